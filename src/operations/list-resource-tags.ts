// ListResourceTags: a key's tags in tag-key order, paged.

import { KEY_LOOKUP, PAGING } from './error-tables';
import { KEY_ID, MARKER } from './input-schema';
import { defineOperation } from './operation';
import { pageFields, paginate } from './paging';

export const listResourceTags = defineOperation({
  name: 'ListResourceTags',
  input: { KeyId: KEY_ID, Limit: { kind: 'integer', min: 1, max: 50 }, Marker: MARKER },
  errors: [...KEY_LOOKUP, ...PAGING],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const sorted = [...key.record.tags].sort((a, b) =>
      a.TagKey < b.TagKey ? -1 : a.TagKey > b.TagKey ? 1 : 0,
    );
    const scope = {
      codec: ctx.catalog.markers,
      operation: 'ListResourceTags',
      owner: key.record.keyId,
    };
    const page = paginate(sorted, (t) => t.TagKey, scope, input.Limit ?? 50, input.Marker);
    return { Tags: page.items, ...pageFields(page) };
  },
});
