// GenerateDataKeyWithoutPlaintext: GenerateDataKey that returns only the sealed copy, for a
// component that stores data keys but must never see one (it calls Decrypt when it needs it).

import { DATA_KEY_ERRORS, DATA_KEY_MEMBERS, makeDataKey } from './data-key';
import { defineOperation } from './operation';

export const generateDataKeyWithoutPlaintext = defineOperation({
  name: 'GenerateDataKeyWithoutPlaintext',
  audit: 'use',
  input: DATA_KEY_MEMBERS,
  errors: DATA_KEY_ERRORS,
  async handle(input, ctx) {
    const made = await makeDataKey(input, 'GenerateDataKeyWithoutPlaintext', ctx);
    // The plaintext copy never leaves this process: wipe it rather than wait for the collector.
    made.plaintext.fill(0);
    return {
      CiphertextBlob: made.ciphertextBlob,
      KeyId: made.keyArn,
      KeyMaterialId: made.keyMaterialId,
    };
  },
});
