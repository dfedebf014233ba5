// CancelKeyDeletion: back from PendingDeletion to Disabled, as in AWS KMS.

import { KmsError } from '../errors/kms-error';
import { KEY_LOOKUP, METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const cancelKeyDeletion = defineOperation({
  name: 'CancelKeyDeletion',
  audit: 'change',
  input: { KeyId: KEY_ID },
  errors: [
    ...KEY_LOOKUP,
    {
      name: 'KMSInvalidStateException',
      when: 'The key is not pending deletion, or its deletion date has passed (its material is being destroyed).',
    },
    ...METADATA_CHANGE,
  ],
  async handle(input, ctx, caller) {
    const key = ctx.catalog.resolve(input.KeyId);
    await ctx.store.updateKey(
      'CancelKeyDeletion',
      key.record.keyId,
      ({ deletionDate, ...r }) => {
        if (r.state !== 'PendingDeletion') {
          throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
        }
        // Past its date the key is being destroyed (its objects may be gone already).
        if (deletionDate !== undefined && deletionDate <= ctx.store.now()) {
          throw new KmsError(
            'KMSInvalidStateException',
            `${key.arn} is being deleted: its deletion date has passed.`,
          );
        }
        return { ...r, state: 'Disabled' };
      },
      caller,
    );
    return { KeyId: key.arn };
  },
});
