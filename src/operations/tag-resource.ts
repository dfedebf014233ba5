// TagResource: adds or replaces tags (AWS limits: TagException).

import { KEY_ID, TAGS } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';
import { mergeTags } from './tags';

export const tagResource = defineOperation({
  name: 'TagResource',
  audit: 'change',
  input: { KeyId: KEY_ID, Tags: { ...TAGS, required: true } },
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key);
    await ctx.store.update(key.record.keyId, (r, current) => {
      assertNotPendingDeletion(current);
      return { ...r, tags: mergeTags(r.tags, input.Tags) };
    });
    return {};
  },
});
