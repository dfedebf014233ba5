// DeleteAlias: removes an alias; the key itself is untouched.

import { KmsError } from '../errors/kms-error';
import { ALIAS_NAME, aliasOwner, assertValidAliasName } from './alias-rules';
import { defineOperation } from './operation';

export const deleteAlias = defineOperation({
  name: 'DeleteAlias',
  audit: 'change',
  input: { AliasName: ALIAS_NAME },
  async handle(input, ctx) {
    assertValidAliasName(input.AliasName);
    const owner = aliasOwner(input.AliasName, ctx);
    await ctx.store.update(owner.record.keyId, (r) => {
      if (!r.aliases.some((a) => a.name === input.AliasName)) {
        throw new KmsError(
          'NotFoundException',
          `Alias '${ctx.catalog.aliasArn(input.AliasName)}' is not found.`,
        );
      }
      return { ...r, aliases: r.aliases.filter((a) => a.name !== input.AliasName) };
    });
    return {};
  },
});
