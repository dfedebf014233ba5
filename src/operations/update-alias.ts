// UpdateAlias: points an existing alias at another key of the same key usage. Both keys' new
// revisions are written before either is installed, so this process never sees the alias on two
// keys or on none. (Another replica can, for up to its refresh interval: docs/compatibility.md.)

import { KmsError } from '../errors/kms-error';
import { ALIAS_NAME, aliasOwner, aliasTarget, assertValidAliasName } from './alias-rules';
import { KEY_ID } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';

export const updateAlias = defineOperation({
  name: 'UpdateAlias',
  audit: 'change',
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
    const name = input.AliasName;
    const alias = current.record.aliases.find((a) => a.name === name);
    const creationDate = alias?.creationDate ?? ctx.store.now();
    await ctx.store.updateMany([
      {
        keyId: target.record.keyId,
        change: (r, entry) => {
          assertNotPendingDeletion(entry);
          return { ...r, aliases: [...r.aliases, { name, creationDate }] };
        },
      },
      {
        keyId: current.record.keyId,
        change: (r) => {
          if (!r.aliases.some((a) => a.name === name)) {
            throw new KmsError(
              'NotFoundException',
              `Alias '${ctx.catalog.aliasArn(name)}' is not found.`,
            );
          }
          return { ...r, aliases: r.aliases.filter((a) => a.name !== name) };
        },
      },
    ]);
    return {};
  },
});
