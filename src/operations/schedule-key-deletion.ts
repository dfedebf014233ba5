// ScheduleKeyDeletion: the key becomes PendingDeletion; its material is destroyed by the
// sweeper only once the window (7–30 days, default 30) has passed.

import { KEY_ID } from './input-schema';
import { KEY_LOOKUP, KEY_STATE_FOR_CHANGE, METADATA_CHANGE } from './error-tables';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation } from './operation';

const DAY = 86_400;

export const scheduleKeyDeletion = defineOperation({
  name: 'ScheduleKeyDeletion',
  audit: 'change',
  input: { KeyId: KEY_ID, PendingWindowInDays: { kind: 'integer', min: 7, max: 30 } },
  errors: [...KEY_LOOKUP, ...KEY_STATE_FOR_CHANGE, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertNotPendingDeletion(key.record, key.arn);
    const days = input.PendingWindowInDays ?? 30;
    const deletionDate = ctx.store.now() + days * DAY;
    await ctx.store.updateKey(
      'ScheduleKeyDeletion',
      key.record.keyId,
      (r) => {
        assertNotPendingDeletion(r, key.arn);
        return { ...r, state: 'PendingDeletion', deletionDate };
      },
      caller,
    );
    return {
      KeyId: key.arn,
      DeletionDate: deletionDate,
      KeyState: 'PendingDeletion',
      PendingWindowInDays: days,
    };
  },
});
