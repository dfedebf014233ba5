// GenerateRandom: random bytes from the token's C_GenerateRandom. No key is used, so its audit
// line names none (keyArn null), like every other call that names no key.

import { KmsError } from '../errors/kms-error';
import { RECIPIENT, RECIPIENT_ERROR, refuseRecipient } from './encryption-input';
import { HSM_CALL } from './error-tables';
import { defineOperation } from './operation';
import { asBuffer } from '../pkcs11/bytes';

const OPERATION = 'GenerateRandom';

export const generateRandom = defineOperation({
  name: OPERATION,
  audit: 'use',
  input: {
    // Not required in botocore's model, but "there is no default value": AWS answers its absence
    // with a ValidationException of its own wording, not the schema's "must not be null".
    NumberOfBytes: { kind: 'integer', min: 1, max: 1024 },
    CustomKeyStoreId: { kind: 'string', min: 1, max: 64 },
    Recipient: RECIPIENT,
  },
  errors: [
    { name: 'ValidationException', when: '`NumberOfBytes` is missing.' },
    ...RECIPIENT_ERROR,
    {
      name: 'UnsupportedOperationException',
      when: "`CustomKeyStoreId` is given (QKMS has no custom key stores: the bytes always come from its HSM), or the HSM's random number generator failed its start-up check.",
    },
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    refuseRecipient(input.Recipient);
    if (input.CustomKeyStoreId !== undefined) {
      throw new KmsError(
        'UnsupportedOperationException',
        "Custom key stores are not supported: GenerateRandom always draws from the gateway's HSM. Leave CustomKeyStoreId out.",
      );
    }
    if (input.NumberOfBytes === undefined)
      throw new KmsError('ValidationException', 'NumberOfBytes is required.');
    const capability = ctx.capabilities.random();
    if (!capability.ok) {
      throw new KmsError(
        'UnsupportedOperationException',
        `GenerateRandom is not available on this gateway's HSM: ${capability.reason}.`,
      );
    }
    const bytes = await ctx.token.generateRandom(input.NumberOfBytes);
    return { Plaintext: asBuffer(bytes) };
  },
});
