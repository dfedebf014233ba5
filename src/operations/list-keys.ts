// ListKeys: every key this gateway serves, paged in key-id order.

import { KEY_LOOKUP, PAGING } from './error-tables';
import { LIMIT, MARKER } from './input-schema';
import { defineOperation } from './operation';
import { pageFields, paginate } from './paging';

export const listKeys = defineOperation({
  name: 'ListKeys',
  input: { Limit: LIMIT, Marker: MARKER },
  // No key is named, but the listing is refused the same way when the metadata is too stale.
  errors: [...PAGING, ...KEY_LOOKUP.filter((e) => e.name === 'KeyUnavailableException')],
  async handle(input, ctx) {
    const scope = { codec: ctx.catalog.markers, operation: 'ListKeys', owner: '' };
    const page = paginate(
      ctx.catalog.keys(),
      (k) => k.record.keyId,
      scope,
      input.Limit,
      input.Marker,
    );
    return {
      Keys: page.items.map((k) => ({ KeyId: k.record.keyId, KeyArn: k.arn })),
      ...pageFields(page),
    };
  },
});
