// GetKeyRotationStatus: whether automatic rotation is on, its period and next date. As AWS
// answers now: asymmetric and HMAC keys answer false (they never rotate); a key pending deletion
// answers false with its schedule kept (CancelKeyDeletion brings it back); a disabled key keeps
// its status (the sweeper waits until it is enabled). A rotation is finished before
// RotateKeyOnDemand answers, so OnDemandRotationStartDate never appears.

import { KEY_LOOKUP } from './error-tables';
import { KEY_ID } from './input-schema';
import { rotates } from '../keys/rotation';
import { defineOperation } from './operation';

export const getKeyRotationStatus = defineOperation({
  name: 'GetKeyRotationStatus',
  input: { KeyId: KEY_ID },
  errors: KEY_LOOKUP,
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const rotation = rotates(key.record) ? key.record.rotation : undefined;
    if (!rotation || key.record.state === 'PendingDeletion')
      return { KeyId: key.arn, KeyRotationEnabled: false };
    return {
      KeyId: key.arn,
      KeyRotationEnabled: true,
      RotationPeriodInDays: rotation.periodDays,
      NextRotationDate: rotation.nextRotationDate,
    };
  },
});
