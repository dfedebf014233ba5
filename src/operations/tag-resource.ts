// TagResource: adds or replaces tags (AWS limits: TagException).

import { KEY_ID, TAGS } from './input-schema';
import { KEY_LOOKUP, KEY_STATE_FOR_CHANGE, METADATA_CHANGE } from './error-tables';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';
import { mergeTags, TAG_ERRORS } from './tags';

export const tagResource = defineOperation({
  name: 'TagResource',
  audit: 'change',
  input: { KeyId: KEY_ID, Tags: { ...TAGS, required: true } },
  errors: [...KEY_LOOKUP, ...KEY_STATE_FOR_CHANGE, ...TAG_ERRORS, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key.record, key.arn);
    await ctx.store.updateKey(
      'TagResource',
      key.record.keyId,
      (r) => {
        assertNotPendingDeletion(r, key.arn);
        return { ...r, tags: mergeTags(r.tags, input.Tags) };
      },
      caller,
    );
    return {};
  },
});
