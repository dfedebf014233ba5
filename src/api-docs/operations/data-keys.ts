// The GenerateDataKey and GenerateDataKeyWithoutPlaintext pages.

import type { OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, perCall } from '../example-values';
import {
  DRY_RUN_DOC,
  GRANT_TOKENS_DOC,
  KEY_ARN_OUT,
  KEY_ID_DOC,
  keyMaterialOut,
  member,
} from '../shared-docs';

const RULES = [
  'The key must be a `SYMMETRIC_DEFAULT` key (key usage `ENCRYPT_DECRYPT`) and be `Enabled`.',
  'Give exactly one of `KeySpec` (`AES_256`: 32 bytes, `AES_128`: 16) and `NumberOfBytes` (1–1024).',
  'The data key comes from the HSM\u2019s random number generator (`C_GenerateRandom`); its sealed copy is the blob `Encrypt` would make of it, so `Decrypt` gives it back.',
];

const MEMBERS = {
  KeyId: KEY_ID_DOC,
  EncryptionContext:
    'Non-secret key-value pairs bound to the sealed copy: `Decrypt` needs exactly the same pairs.',
  NumberOfBytes: 'The data key\u2019s length in bytes, 1–1024 (or give `KeySpec`).',
  KeySpec: '`AES_256` (32 bytes) or `AES_128` (16 bytes) (or give `NumberOfBytes`).',
  GrantTokens: GRANT_TOKENS_DOC,
  DryRun: DRY_RUN_DOC,
};

const CIPHERTEXT_OUT = member(
  { kind: 'blob' },
  'The data key sealed under the KMS key, base64-encoded on the wire: store it beside the data.',
);

const request = {
  KeyId: aliasOf(KEYS.symmetric),
  KeySpec: 'AES_256',
  EncryptionContext: { file: 'invoice-0042.pdf' },
};

export const generateDataKeyDoc: OperationDoc = {
  summary:
    'Makes a data key in the HSM and returns it in plaintext, to encrypt with locally, and sealed under a symmetric key, to store (envelope encryption).',
  about: [
    'Encrypt the data with the plaintext data key (AES-256-GCM, say), keep the sealed copy beside the ciphertext and forget the plaintext key; to decrypt, `Decrypt` the sealed copy. The plaintext data key is in the answer only, never in a log or the audit trail.',
  ],
  rules: [
    ...RULES,
    '`Recipient` (AWS Nitro Enclaves attestation) is refused with `UnsupportedOperationException`.',
  ],
  members: { ...MEMBERS, Recipient: 'Not supported: a request with it is refused.' },
  output: {
    CiphertextBlob: CIPHERTEXT_OUT,
    Plaintext: member({ kind: 'blob' }, 'The data key, base64-encoded on the wire.'),
    KeyId: KEY_ARN_OUT,
    KeyMaterialId: keyMaterialOut('that sealed the data key (the newest)'),
  },
  examples: [
    {
      title: 'An AES-256 data key',
      says: 'A 32-byte key, and its 96-byte sealed copy.',
      request,
      answer: {
        status: 200,
        body: {
          CiphertextBlob: perCall.base64('96-byte ciphertext blob'),
          Plaintext: perCall.base64('32-byte data key'),
          KeyId: arnOf(KEYS.symmetric),
          KeyMaterialId: perCall.keyMaterialId(),
        },
      },
    },
    {
      title: 'Both a key spec and a length',
      says: 'Exactly one of them is needed.',
      request: { ...request, NumberOfBytes: 32 },
      answer: {
        error: 'ValidationException',
        message: 'Please specify either number of bytes or key spec.',
      },
    },
  ],
};

export const generateDataKeyWithoutPlaintextDoc: OperationDoc = {
  summary:
    'Makes a data key in the HSM and returns only its copy sealed under a symmetric key, for a component that stores data keys but must not see them.',
  about: [
    'The same as `GenerateDataKey` without the plaintext: whoever later needs the data key calls `Decrypt` on the sealed copy.',
  ],
  rules: RULES,
  members: MEMBERS,
  output: {
    CiphertextBlob: CIPHERTEXT_OUT,
    KeyId: KEY_ARN_OUT,
    KeyMaterialId: keyMaterialOut('that sealed the data key (the newest)'),
  },
  examples: [
    {
      title: 'An AES-128 data key, sealed only',
      says: 'The 80-byte sealed copy of a 16-byte key.',
      request: { ...request, KeySpec: 'AES_128' },
      answer: {
        status: 200,
        body: {
          CiphertextBlob: perCall.base64('80-byte ciphertext blob'),
          KeyId: arnOf(KEYS.symmetric),
          KeyMaterialId: perCall.keyMaterialId(),
        },
      },
    },
    {
      title: 'A signing key',
      says: 'Data keys are sealed under symmetric keys only.',
      request: { ...request, KeyId: aliasOf(KEYS.p256) },
      answer: {
        error: 'InvalidKeyUsageException',
        message: `${arnOf(KEYS.p256)} key usage is SIGN_VERIFY which is not valid for GenerateDataKeyWithoutPlaintext.`,
      },
    },
  ],
};
