// CancelKeyDeletion: back from PendingDeletion to Disabled, as in AWS KMS.

import { KmsError } from '../errors/kms-error';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const cancelKeyDeletion = defineOperation({
  name: 'CancelKeyDeletion',
  audit: 'change',
  input: { KeyId: KEY_ID },
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    await ctx.store.update(key.record.keyId, ({ deletionDate: _gone, ...r }, current) => {
      if (r.state !== 'PendingDeletion') {
        throw new KmsError('KMSInvalidStateException', `${current.arn} is not pending deletion.`);
      }
      return { ...r, state: 'Disabled' };
    });
    return { KeyId: key.arn };
  },
});
