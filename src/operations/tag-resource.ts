// TagResource: adds or replaces tags (AWS limits: TagException).

import { KEY_ID, TAGS } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';
import { mergeTags } from './tags';

export const tagResource = defineOperation({
  name: 'TagResource',
  input: { KeyId: KEY_ID, Tags: { ...TAGS, required: true } },
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key);
    const tags = mergeTags(key.record.tags, input.Tags);
    await ctx.store.update(key, (r) => ({ ...r, tags }));
    return {};
  },
});
