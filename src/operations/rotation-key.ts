// The key the rotation operations act on, checked as AWS checks it: it exists, its material can
// rotate (a customer-made SYMMETRIC_DEFAULT key), and, for the operations that change rotation,
// it is enabled. The same rules are checked again on the newest record when a change commits.

import type { KeyEntry } from '../keys/key-record';
import { assertEnabled, assertRotates } from '../keys/rotation';
import type { OperationContext } from './operation';

/** The key named by `keyId`, refused unless its material can rotate. */
export function rotatingKey(keyId: string, ctx: OperationContext): KeyEntry {
  const key = ctx.catalog.resolve(keyId);
  assertRotates(key.record);
  return key;
}

/** As rotatingKey, and the key must be enabled (disabled, pending deletion: refused). */
export function enabledRotatingKey(keyId: string, ctx: OperationContext): KeyEntry {
  const key = rotatingKey(keyId, ctx);
  assertEnabled(key.record, key.arn);
  return key;
}
