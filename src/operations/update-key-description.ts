// UpdateKeyDescription.

import { KEY_ID } from './input-schema';
import { KEY_LOOKUP, KEY_STATE_FOR_CHANGE, METADATA_CHANGE } from './error-tables';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';

export const updateKeyDescription = defineOperation({
  name: 'UpdateKeyDescription',
  audit: 'change',
  input: { KeyId: KEY_ID, Description: { kind: 'string', required: true, min: 0, max: 8192 } },
  errors: [...KEY_LOOKUP, ...KEY_STATE_FOR_CHANGE, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key.record, key.arn);
    await ctx.store.updateKey(
      'UpdateKeyDescription',
      key.record.keyId,
      (r) => {
        assertNotPendingDeletion(r, key.arn);
        return { ...r, description: input.Description };
      },
      caller,
    );
    return {};
  },
});
