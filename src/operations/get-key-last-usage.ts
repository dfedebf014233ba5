// GetKeyLastUsage: the last successful cryptographic operation with the key (signing, MACs,
// encryption, data keys, key agreement: audit-trail.ts LAST_USAGE_OPERATIONS), answered from the
// audit trail (since TrackingStartDate: the oldest line of the trail file).

import { KEY_LOOKUP } from './error-tables';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const getKeyLastUsage = defineOperation({
  name: 'GetKeyLastUsage',
  input: { KeyId: KEY_ID },
  errors: KEY_LOOKUP,
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const last = ctx.audit.lastUsage(key.record.keyId);
    return {
      KeyId: key.arn,
      ...(last
        ? {
            KeyLastUsage: {
              Operation: last.operation,
              Timestamp: last.timestamp / 1000,
              KmsRequestId: last.requestId,
            },
          }
        : {}),
      TrackingStartDate: Math.floor(ctx.audit.trackingStart / 1000),
      KeyCreationDate: key.record.creationDate,
    };
  },
});
