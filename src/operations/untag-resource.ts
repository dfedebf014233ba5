// UntagResource: removes tags by key; unknown keys are ignored, as in AWS KMS.

import { KEY_ID } from './input-schema';
import { KEY_LOOKUP, KEY_STATE_FOR_CHANGE, METADATA_CHANGE } from './error-tables';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';

export const untagResource = defineOperation({
  name: 'UntagResource',
  audit: 'change',
  input: {
    KeyId: KEY_ID,
    TagKeys: { kind: 'stringList', required: true, itemMin: 1, itemMax: 128 },
  },
  errors: [...KEY_LOOKUP, ...KEY_STATE_FOR_CHANGE, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key.record, key.arn);
    const drop = new Set(input.TagKeys);
    await ctx.store.updateKey(
      'UntagResource',
      key.record.keyId,
      (r) => {
        assertNotPendingDeletion(r, key.arn);
        return { ...r, tags: r.tags.filter((t) => !drop.has(t.TagKey)) };
      },
      caller,
    );
    return {};
  },
});
