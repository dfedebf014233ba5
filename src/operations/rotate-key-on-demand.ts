// RotateKeyOnDemand: new key material for a SYMMETRIC_DEFAULT key, now, whatever its automatic
// schedule (which it does not change). The material is generated in the token and recorded
// before the answer (KeyStore.rotate): a 200 means the next Encrypt uses it, on every process.
// 25 on-demand rotations per key, as AWS allows.

import { HSM_CALL, KEY_LOOKUP, METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import { assertOnDemandQuota } from '../keys/rotation';
import { defineOperation } from './operation';
import { ROTATION_ERRORS } from './rotation-errors';
import { enabledRotatingKey } from './rotation-key';

export const rotateKeyOnDemand = defineOperation({
  name: 'RotateKeyOnDemand',
  audit: 'change',
  input: { KeyId: KEY_ID },
  errors: [
    ...KEY_LOOKUP,
    ...ROTATION_ERRORS.settings,
    ...ROTATION_ERRORS.onDemand,
    ...METADATA_CHANGE,
    ...HSM_CALL.filter((e) => e.name === 'ThrottlingException'),
  ],
  async handle(input, ctx, caller) {
    const key = enabledRotatingKey(input.KeyId, ctx);
    // Refused here before any material is made; checked again when the rotation commits.
    assertOnDemandQuota(key.record, key.arn);
    await ctx.store.rotate(key.record.keyId, 'ON_DEMAND', caller);
    return { KeyId: key.record.keyId };
  },
});
