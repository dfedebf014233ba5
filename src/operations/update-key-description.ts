// UpdateKeyDescription.

import { KEY_ID } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';

export const updateKeyDescription = defineOperation({
  name: 'UpdateKeyDescription',
  audit: 'change',
  input: { KeyId: KEY_ID, Description: { kind: 'string', required: true, min: 0, max: 8192 } },
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key);
    await ctx.store.update(key.record.keyId, (r) => ({ ...r, description: input.Description }));
    return {};
  },
});
