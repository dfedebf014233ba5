// GenerateDataKey: a fresh data key from the token's random number generator, returned in
// plaintext for the caller to encrypt with locally and sealed under the KMS key to store beside
// the data (envelope encryption).

import { DATA_KEY_ERRORS, DATA_KEY_MEMBERS, makeDataKey } from './data-key';
import { RECIPIENT, RECIPIENT_ERROR, refuseRecipient } from './encryption-input';
import { defineOperation } from './operation';

export const generateDataKey = defineOperation({
  name: 'GenerateDataKey',
  audit: 'use',
  input: { ...DATA_KEY_MEMBERS, Recipient: RECIPIENT },
  errors: [...DATA_KEY_ERRORS, ...RECIPIENT_ERROR],
  async handle(input, ctx) {
    refuseRecipient(input.Recipient);
    const made = await makeDataKey(input, 'GenerateDataKey', ctx);
    return {
      CiphertextBlob: made.ciphertextBlob,
      Plaintext: made.plaintext,
      KeyId: made.keyArn,
      KeyMaterialId: made.keyMaterialId,
    };
  },
});
