// CreateAlias: a new alias for a key; the alias name must be free.

import { KmsError } from '../errors/kms-error';
import { aliasArn } from '../keys/arns';
import { ALIAS_NAME, aliasTarget, assertValidAliasName } from './alias-rules';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const createAlias = defineOperation({
  name: 'CreateAlias',
  input: { AliasName: ALIAS_NAME, TargetKeyId: KEY_ID },
  async handle(input, ctx) {
    assertValidAliasName(input.AliasName);
    const key = aliasTarget(input.TargetKeyId, ctx);
    if (ctx.catalog.aliasTargets(input.AliasName).length > 0) {
      throw new KmsError(
        'AlreadyExistsException',
        `An alias with the name ${aliasArn(ctx.scope, input.AliasName)} already exists`,
      );
    }
    const now = ctx.store.now();
    await ctx.store.update(key, (r) => ({
      ...r,
      aliases: [...r.aliases, { name: input.AliasName, creationDate: now }],
    }));
    return {};
  },
});
