// UpdateAlias: points an existing alias at another key of the same key usage. The new owner is
// written before the old one lets go, so the alias never resolves to nothing; a reader that
// catches the instant in between sees two owners and answers a retryable internal error.

import { KmsError } from '../errors/kms-error';
import { ALIAS_NAME, aliasOwner, aliasTarget, assertValidAliasName } from './alias-rules';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const updateAlias = defineOperation({
  name: 'UpdateAlias',
  input: { AliasName: ALIAS_NAME, TargetKeyId: KEY_ID },
  async handle(input, ctx) {
    assertValidAliasName(input.AliasName);
    const current = aliasOwner(input.AliasName, ctx);
    const target = aliasTarget(input.TargetKeyId, ctx);
    if (target.record.keyId === current.record.keyId) return {};
    if (target.record.keyUsage !== current.record.keyUsage) {
      throw new KmsError(
        'ValidationException',
        `${target.arn} has key usage ${target.record.keyUsage} but the alias points at a key with key usage ${current.record.keyUsage}.`,
      );
    }
    const alias = current.record.aliases.find((a) => a.name === input.AliasName);
    const creationDate = alias?.creationDate ?? ctx.store.now();
    await ctx.store.update(target, (r) => ({
      ...r,
      aliases: [...r.aliases, { name: input.AliasName, creationDate }],
    }));
    await ctx.store.update(current, (r) => ({
      ...r,
      aliases: r.aliases.filter((a) => a.name !== input.AliasName),
    }));
    return {};
  },
});
