// EnableKeyRotation: turns on automatic rotation of a SYMMETRIC_DEFAULT key's material every
// RotationPeriodInDays (90–2560, 365 when not given); on a key where it is on already, sets the
// new period from the start of the current one. The rotation sweeper (KeyStore.rotateDue) does
// the rotating.

import { KEY_LOOKUP, METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import {
  ROTATION_PERIOD_DAYS,
  assertEnabled,
  assertRotates,
  scheduleRotation,
} from '../keys/rotation';
import { defineOperation } from './operation';
import { ROTATION_ERRORS } from './rotation-errors';
import { enabledRotatingKey } from './rotation-key';

export const enableKeyRotation = defineOperation({
  name: 'EnableKeyRotation',
  audit: 'change',
  input: {
    KeyId: KEY_ID,
    RotationPeriodInDays: {
      kind: 'integer',
      min: ROTATION_PERIOD_DAYS.min,
      max: ROTATION_PERIOD_DAYS.max,
    },
  },
  errors: [...KEY_LOOKUP, ...ROTATION_ERRORS.settings, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    const key = enabledRotatingKey(input.KeyId, ctx);
    const days = input.RotationPeriodInDays ?? ROTATION_PERIOD_DAYS.default;
    await ctx.store.updateKey(
      'EnableKeyRotation',
      key.record.keyId,
      (r) => {
        assertRotates(r);
        assertEnabled(r, key.arn);
        return { ...r, rotation: scheduleRotation(r, days, ctx.store.now()) };
      },
      caller,
    );
    return {};
  },
});
