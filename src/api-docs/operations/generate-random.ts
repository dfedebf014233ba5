// The GenerateRandom page.

import type { OperationDoc } from '../doc-types';
import { perCall } from '../example-values';
import { member } from '../shared-docs';

export const generateRandomDoc: OperationDoc = {
  summary: "Returns random bytes from the HSM's random number generator.",
  about: [
    "The bytes come from `C_GenerateRandom` on the gateway's token. No key is used; the call is audited like a key use, with no key named and no byte of the answer written.",
  ],
  rules: [
    '`NumberOfBytes` is required (1–1024): AWS has no default.',
    '`CustomKeyStoreId` and `Recipient` are refused: QKMS has no custom key stores and cannot verify a Nitro Enclaves attestation.',
  ],
  members: {
    NumberOfBytes: 'How many random bytes to return.',
    CustomKeyStoreId:
      'A CloudHSM key store to draw from. Not served: QKMS has no custom key stores.',
    Recipient:
      'AWS Nitro Enclaves attestation. Not served: QKMS cannot verify an attestation document, so a request with `Recipient` is refused.',
  },
  output: {
    Plaintext: member({ kind: 'blob' }, 'The random bytes, base64-encoded on the wire.'),
  },
  examples: [
    {
      title: '32 random bytes',
      says: 'A 256-bit secret, for example.',
      request: { NumberOfBytes: 32 },
      answer: { status: 200, body: { Plaintext: perCall.base64('32 random bytes') } },
    },
    {
      title: 'Too many bytes',
      says: 'At most 1024 bytes a call.',
      request: { NumberOfBytes: 2048 },
      answer: {
        error: 'ValidationException',
        message:
          "1 validation error detected: Value '2048' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
      },
    },
    {
      title: 'No length',
      says: 'There is no default length.',
      request: {},
      answer: { error: 'ValidationException', message: 'NumberOfBytes is required.' },
    },
  ],
};
