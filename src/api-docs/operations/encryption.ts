// The Encrypt, Decrypt and ReEncrypt pages.

import { ENCRYPTION_ALGORITHM_NAMES, PLAINTEXT } from '../../operations/encryption-input';
import type { GivenStep, OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, base64, perCall } from '../example-values';
import {
  DRY_RUN_DOC,
  enumOf,
  GRANT_TOKENS_DOC,
  KEY_ARN_OUT,
  KEY_ID_DOC,
  keyMaterialOut,
  member,
} from '../shared-docs';

const SECRET = 'postgres://billing:s3cr3t@db.internal/billing';
const CONTEXT = { app: 'billing', env: 'production' };

const ALGORITHM_OUT = member(enumOf(ENCRYPTION_ALGORITHM_NAMES), 'The encryption algorithm used.');
const ALGORITHM_DOC =
  '`SYMMETRIC_DEFAULT` (the default) for symmetric keys; `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256` for RSA keys, which need one named.';
const CONTEXT_DOC =
  'Non-secret key-value pairs bound to the ciphertext (AES-GCM additional data): decrypting needs exactly the same pairs, in any order. Symmetric keys only; it appears in the audit trail\u2019s request, never in the ciphertext.';
const DRY_RUN_MODIFIERS_DOC =
  '`IGNORE_CIPHERTEXT`: with `DryRun`, check the key and the caller only, without a ciphertext (the key must then be named).';

const RULES = [
  'The key must have key usage `ENCRYPT_DECRYPT` and be `Enabled`: a `SYMMETRIC_DEFAULT` key (AES-256-GCM in the HSM) or an `RSA_2048`/`RSA_3072`/`RSA_4096` key (RSAES-OAEP).',
  `\`Plaintext\` is ${PLAINTEXT.min}–${PLAINTEXT.max} bytes for symmetric keys; RSA keys take at most 214/190 bytes (RSA_2048, OAEP with SHA-1/SHA-256), 342/318 (RSA_3072) and 470/446 (RSA_4096).`,
  "A symmetric ciphertext is QKMS's own blob (see the encryption guide): it names its key, so `Decrypt` needs no `KeyId`; it does not decrypt in AWS KMS, nor AWS KMS's in QKMS. RSA ciphertexts are plain OAEP and portable.",
];

const encrypted: GivenStep = {
  operation: 'Encrypt',
  input: { KeyId: aliasOf(KEYS.symmetric), Plaintext: base64(SECRET), EncryptionContext: CONTEXT },
  capture: { blob: 'CiphertextBlob' },
  says: 'Encrypt a secret under the symmetric demo key with an encryption context.',
};
const BLOB = perCall.captured('blob', 'the CiphertextBlob Encrypt returned');

export const encryptDoc: OperationDoc = {
  summary:
    'Encrypts up to 4096 bytes in the HSM under a symmetric key (AES-256-GCM) or an RSA key (RSAES-OAEP).',
  about: [
    'With a `SYMMETRIC_DEFAULT` key the HSM encrypts with AES-256-GCM under the newest version of the key material and a fresh 96-bit IV; the key id, the material version and the encryption context are authenticated with it, so a blob opens only under that key and with that context. To encrypt more than 4 KiB, encrypt a data key from `GenerateDataKey` instead (envelope encryption).',
    'With an RSA key the answer is a plain RSAES-OAEP ciphertext as long as the modulus, exactly what AWS KMS returns: anyone with the public key (`GetPublicKey`) can make one offline, and QKMS decrypts it. Every call is written to the audit trail, never the plaintext.',
  ],
  rules: RULES,
  members: {
    KeyId: KEY_ID_DOC,
    Plaintext: 'The data to encrypt, base64-encoded on the wire.',
    EncryptionContext: CONTEXT_DOC,
    GrantTokens: GRANT_TOKENS_DOC,
    EncryptionAlgorithm: ALGORITHM_DOC,
    DryRun: DRY_RUN_DOC,
  },
  output: {
    CiphertextBlob: member(
      { kind: 'blob' },
      'The ciphertext, base64-encoded on the wire: QKMS\u2019s blob (symmetric) or the OAEP ciphertext (RSA).',
    ),
    KeyId: KEY_ARN_OUT,
    EncryptionAlgorithm: ALGORITHM_OUT,
  },
  examples: [
    {
      title: 'A secret under a symmetric key, with an encryption context',
      says: 'The blob is the 48-byte header and IV, the ciphertext as long as the plaintext, and the 16-byte GCM tag.',
      request: encrypted.input,
      answer: {
        status: 200,
        body: {
          CiphertextBlob: perCall.base64('109-byte ciphertext blob'),
          KeyId: arnOf(KEYS.symmetric),
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        },
      },
    },
    {
      title: 'A signing key',
      says: 'The RSA demo key signs; it cannot encrypt.',
      request: { KeyId: aliasOf(KEYS.rsa2048), Plaintext: base64(SECRET) },
      answer: {
        error: 'InvalidKeyUsageException',
        message: `${arnOf(KEYS.rsa2048)} key usage is SIGN_VERIFY which is not valid for Encrypt.`,
      },
    },
    {
      title: 'A dry run',
      says: 'Every check passes, so the answer is `DryRunOperationException` (HTTP 412); the HSM is not used.',
      request: { ...encrypted.input, DryRun: true },
      answer: {
        error: 'DryRunOperationException',
        message: 'The request would have succeeded, but the DryRun option is set.',
      },
    },
  ],
};

export const decryptDoc: OperationDoc = {
  summary:
    'Decrypts in the HSM what Encrypt, GenerateDataKey or ReEncrypt made, or an RSA-OAEP ciphertext made offline with the public key.',
  about: [
    'A symmetric blob names its key and key material version, so `KeyId` may be left out; when it is given and names another key the answer is `IncorrectKeyException`. A blob that was changed anywhere, or an encryption context that differs in any pair, is `InvalidCiphertextException`, which never says which.',
    'An RSA ciphertext names nothing: `KeyId` and `EncryptionAlgorithm` are required. One that does not decrypt under that key and algorithm is `IncorrectKeyException`, as in AWS KMS.',
  ],
  rules: [
    ...RULES,
    '`Recipient` (AWS Nitro Enclaves attestation) is refused with `UnsupportedOperationException`: QKMS cannot verify attestation documents.',
  ],
  members: {
    CiphertextBlob: 'The ciphertext, base64-encoded on the wire.',
    EncryptionContext: 'The encryption context the ciphertext was made with (symmetric only).',
    GrantTokens: GRANT_TOKENS_DOC,
    KeyId: `Optional for symmetric ciphertexts, required for RSA ones. ${KEY_ID_DOC}`,
    EncryptionAlgorithm: ALGORITHM_DOC,
    Recipient: 'Not supported: a request with it is refused.',
    DryRun: DRY_RUN_DOC,
    DryRunModifiers: DRY_RUN_MODIFIERS_DOC,
  },
  output: {
    KeyId: KEY_ARN_OUT,
    Plaintext: member({ kind: 'blob' }, 'The decrypted data, base64-encoded on the wire.'),
    EncryptionAlgorithm: ALGORITHM_OUT,
    KeyMaterialId: keyMaterialOut('that opened the blob (symmetric ciphertexts only)'),
  },
  examples: [
    {
      title: 'A symmetric blob, without naming the key',
      says: 'The blob names its key; the same encryption context opens it.',
      given: [encrypted],
      request: { CiphertextBlob: BLOB, EncryptionContext: { env: 'production', app: 'billing' } },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.symmetric),
          Plaintext: base64(SECRET),
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          KeyMaterialId: perCall.keyMaterialId(),
        },
      },
    },
    {
      title: 'Another encryption context',
      says: 'One value differs: the blob does not open, and the answer does not say why.',
      given: [encrypted],
      request: { CiphertextBlob: BLOB, EncryptionContext: { ...CONTEXT, env: 'staging' } },
      answer: {
        error: 'InvalidCiphertextException',
        message:
          'The ciphertext is not valid: it was not made by this gateway, was changed, or the encryption context differs.',
      },
    },
    {
      title: 'Another key named',
      says: 'The blob was made under the symmetric demo key, not the HMAC one.',
      given: [encrypted],
      request: { CiphertextBlob: BLOB, EncryptionContext: CONTEXT, KeyId: aliasOf(KEYS.hmac256) },
      answer: {
        error: 'IncorrectKeyException',
        message:
          'The key ID in the request does not identify a CMK that can perform this operation.',
      },
    },
  ],
};

export const reEncryptDoc: OperationDoc = {
  summary:
    'Decrypts a ciphertext and encrypts it again under another key, algorithm or encryption context, without the plaintext leaving QKMS.',
  about: [
    'The source side is checked as `Decrypt` checks it (with `SourceKeyId`, `SourceEncryptionAlgorithm` and `SourceEncryptionContext`), the destination side as `Encrypt` checks it. The plaintext is never returned and is wiped from memory once the new ciphertext is made.',
  ],
  rules: RULES,
  members: {
    CiphertextBlob: 'The ciphertext to move, base64-encoded on the wire.',
    SourceEncryptionContext: 'The encryption context the ciphertext was made with.',
    SourceKeyId: `The key it was made under: optional for symmetric ciphertexts, required for RSA ones. ${KEY_ID_DOC}`,
    DestinationKeyId: `The key to encrypt under. ${KEY_ID_DOC}`,
    DestinationEncryptionContext: `The encryption context for the new ciphertext. ${CONTEXT_DOC}`,
    SourceEncryptionAlgorithm: `The algorithm it was made with. ${ALGORITHM_DOC}`,
    DestinationEncryptionAlgorithm: `The algorithm to encrypt with. ${ALGORITHM_DOC}`,
    GrantTokens: GRANT_TOKENS_DOC,
    DryRun: DRY_RUN_DOC,
    DryRunModifiers: DRY_RUN_MODIFIERS_DOC,
  },
  output: {
    CiphertextBlob: member({ kind: 'blob' }, 'The new ciphertext, base64-encoded on the wire.'),
    SourceKeyId: member({ kind: 'string' }, 'The key ARN of the key that decrypted.'),
    KeyId: member({ kind: 'string' }, 'The key ARN of the key that encrypted again.'),
    SourceEncryptionAlgorithm: ALGORITHM_OUT,
    DestinationEncryptionAlgorithm: ALGORITHM_OUT,
    SourceKeyMaterialId: keyMaterialOut('that opened the source (symmetric sources only)'),
    DestinationKeyMaterialId: keyMaterialOut(
      'that sealed the result (symmetric destinations only; the newest)',
    ),
  },
  examples: [
    {
      title: 'A new encryption context',
      says: 'The same key, a new context: the old context no longer opens the result.',
      given: [encrypted],
      request: {
        CiphertextBlob: BLOB,
        SourceEncryptionContext: CONTEXT,
        DestinationKeyId: aliasOf(KEYS.symmetric),
        DestinationEncryptionContext: { app: 'billing', env: 'archive' },
      },
      answer: {
        status: 200,
        body: {
          CiphertextBlob: perCall.base64('109-byte ciphertext blob'),
          SourceKeyId: arnOf(KEYS.symmetric),
          KeyId: arnOf(KEYS.symmetric),
          SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          SourceKeyMaterialId: perCall.keyMaterialId(),
          DestinationKeyMaterialId: perCall.keyMaterialId(),
        },
      },
    },
    {
      title: 'The source context missing',
      says: 'The source is opened as Decrypt opens it.',
      given: [encrypted],
      request: { CiphertextBlob: BLOB, DestinationKeyId: aliasOf(KEYS.symmetric) },
      answer: {
        error: 'InvalidCiphertextException',
        message:
          'The ciphertext is not valid: it was not made by this gateway, was changed, or the encryption context differs.',
      },
    },
  ],
};
