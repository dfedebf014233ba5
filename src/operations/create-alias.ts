// CreateAlias: a new alias for a key; the alias name must be free.

import { ALIAS_NAME, aliasTarget, assertValidAliasName } from './alias-rules';
import { KEY_ID } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';

export const createAlias = defineOperation({
  name: 'CreateAlias',
  audit: 'change',
  input: { AliasName: ALIAS_NAME, TargetKeyId: KEY_ID },
  async handle(input, ctx) {
    assertValidAliasName(input.AliasName);
    const key = aliasTarget(input.TargetKeyId, ctx);
    const now = ctx.store.now();
    await ctx.store.update(key.record.keyId, (r, current) => {
      assertNotPendingDeletion(current);
      ctx.store.assertAliasFree(input.AliasName);
      return { ...r, aliases: [...r.aliases, { name: input.AliasName, creationDate: now }] };
    });
    return {};
  },
});
