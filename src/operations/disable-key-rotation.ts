// DisableKeyRotation: turns automatic rotation of a SYMMETRIC_DEFAULT key's material off (a
// no-op where it is off). Every material made so far stays: old ciphertexts still decrypt.

import { KEY_LOOKUP, METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import { assertEnabled, assertRotates } from '../keys/rotation';
import { defineOperation } from './operation';
import { ROTATION_ERRORS } from './rotation-errors';
import { enabledRotatingKey } from './rotation-key';

export const disableKeyRotation = defineOperation({
  name: 'DisableKeyRotation',
  audit: 'change',
  input: { KeyId: KEY_ID },
  errors: [...KEY_LOOKUP, ...ROTATION_ERRORS.settings, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    const key = enabledRotatingKey(input.KeyId, ctx);
    await ctx.store.updateKey(
      'DisableKeyRotation',
      key.record.keyId,
      (r) => {
        assertRotates(r);
        assertEnabled(r, key.arn);
        const { rotation: _off, ...rest } = r;
        return rest;
      },
      caller,
    );
    return {};
  },
});
