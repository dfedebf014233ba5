// The GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext pages.

import { DATA_KEY_PAIR_SPECS } from '../../operations/generate-data-key-pair';
import type { OperationDoc, OutputMembers } from '../doc-types';
import { KEYS, aliasOf, arnOf, perCall } from '../example-values';
import {
  DRY_RUN_DOC,
  enumOf,
  GRANT_TOKENS_DOC,
  KEY_ID_DOC,
  keyMaterialOut,
  member,
} from '../shared-docs';

const RULES = [
  'The key seals the private key: it must be a `SYMMETRIC_DEFAULT` key (key usage `ENCRYPT_DECRYPT`) and `Enabled`. Asymmetric, HMAC and signing keys are refused.',
  '`KeyPairSpec` is RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521 or ECC_SECG_P256K1; SM2 (China Regions only in AWS) is refused. What the pair is used for outside QKMS is up to the caller.',
  'The pair is generated in the HSM as extractable session objects, read out and destroyed there: QKMS keeps no copy.',
];

const MEMBERS = {
  KeyId: KEY_ID_DOC,
  KeyPairSpec: 'The kind of key pair to generate.',
  EncryptionContext:
    'Key–value pairs bound to the sealed private key as authenticated data: Decrypt must be given the same pairs (in any order). Not secret: they may appear in logs.',
  GrantTokens: GRANT_TOKENS_DOC,
  Recipient:
    'AWS Nitro Enclaves attestation. Not served: QKMS cannot verify an attestation document, so a request with `Recipient` is refused.',
  DryRun: DRY_RUN_DOC,
};

const BLOB = { kind: 'blob' } as const;
const COMMON_OUT: OutputMembers = {
  PrivateKeyCiphertextBlob: member(
    BLOB,
    "The DER PKCS #8 private key sealed under the key (QKMS's ciphertext format, which Decrypt opens), base64-encoded on the wire.",
  ),
  PublicKey: member(BLOB, 'The DER SubjectPublicKeyInfo (RFC 5280), base64-encoded on the wire.'),
  KeyId: member({ kind: 'string' }, 'The key ARN of the key that sealed the private key.'),
  KeyPairSpec: member(enumOf(DATA_KEY_PAIR_SPECS), 'The kind of key pair generated.'),
  KeyMaterialId: keyMaterialOut('that sealed the private key (the newest)'),
};

const P256_REQUEST = {
  KeyId: aliasOf(KEYS.symmetric),
  KeyPairSpec: 'ECC_NIST_P256',
  EncryptionContext: { tenant: 'acme', purpose: 'device-identity' },
};

export const generateDataKeyPairDoc: OperationDoc = {
  summary:
    'Generates an RSA or EC key pair in the HSM and returns the public key, the private key, and the private key sealed under a symmetric key.',
  about: [
    'Use the private key at once (sign, decrypt) and keep only the sealed copy; Decrypt gives the private key back when it is needed again. The private key is DER PKCS #8 (RFC 5958), as node:crypto, OpenSSL and Java read it.',
  ],
  rules: RULES,
  members: MEMBERS,
  output: {
    ...COMMON_OUT,
    PrivateKeyPlaintext: member(
      BLOB,
      'The private key, DER PKCS #8 (RFC 5958), base64-encoded on the wire.',
    ),
  },
  examples: [
    {
      title: 'A P-256 pair with an encryption context',
      says: 'The private key comes back in plaintext and sealed under the symmetric demo key; Decrypt needs the same context to open the sealed copy.',
      request: P256_REQUEST,
      answer: {
        status: 200,
        body: {
          PrivateKeyCiphertextBlob: perCall.base64('the sealed private key'),
          PrivateKeyPlaintext: perCall.base64('138-byte DER PKCS #8 private key'),
          PublicKey: perCall.base64('91-byte DER SubjectPublicKeyInfo'),
          KeyId: arnOf(KEYS.symmetric),
          KeyPairSpec: 'ECC_NIST_P256',
          KeyMaterialId: perCall.keyMaterialId(),
        },
      },
    },
    {
      title: 'An asymmetric key cannot seal it',
      says: 'The RSA encryption demo key has key usage `ENCRYPT_DECRYPT`, but only a symmetric key seals data key pairs.',
      request: { KeyId: aliasOf(KEYS.rsaEncrypt), KeyPairSpec: 'RSA_2048' },
      answer: {
        error: 'InvalidKeyUsageException',
        message: `${arnOf(KEYS.rsaEncrypt)} key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair.`,
      },
    },
    {
      title: 'SM2',
      says: 'AWS offers SM2 data key pairs in China Regions only; no token here generates them.',
      request: { KeyId: aliasOf(KEYS.symmetric), KeyPairSpec: 'SM2' },
      answer: {
        error: 'UnsupportedOperationException',
        message:
          'KeyPairSpec SM2 is not supported: AWS offers it in China Regions only, and no PKCS#11 token here generates SM2 keys.',
      },
    },
  ],
};

export const generateDataKeyPairWithoutPlaintextDoc: OperationDoc = {
  summary:
    'Generates an RSA or EC key pair in the HSM and returns the public key and the private key sealed under a symmetric key, never the private key itself.',
  about: [
    'For a component that only encrypts or verifies with the public key now, and leaves the private key to another that calls Decrypt later.',
  ],
  rules: RULES,
  members: MEMBERS,
  output: COMMON_OUT,
  examples: [
    {
      title: 'An RSA-3072 pair',
      says: 'The answer has the public key and the sealed private key only.',
      request: { KeyId: aliasOf(KEYS.symmetric), KeyPairSpec: 'RSA_3072' },
      answer: {
        status: 200,
        body: {
          PrivateKeyCiphertextBlob: perCall.base64('the sealed private key'),
          PublicKey: perCall.base64('422-byte DER SubjectPublicKeyInfo'),
          KeyId: arnOf(KEYS.symmetric),
          KeyPairSpec: 'RSA_3072',
          KeyMaterialId: perCall.keyMaterialId(),
        },
      },
    },
    {
      title: 'A dry run',
      says: 'Every check passes, so the answer is `DryRunOperationException` (HTTP 412); no pair is generated.',
      request: { KeyId: aliasOf(KEYS.symmetric), KeyPairSpec: 'ECC_NIST_P384', DryRun: true },
      answer: {
        error: 'DryRunOperationException',
        message: 'The request would have succeeded, but the DryRun option is set.',
      },
    },
  ],
};
