// The Sign page.

import { createHash } from 'node:crypto';
import { SIGNING_ALGORITHMS } from '../../crypto/signing-algorithms';
import { SIGNING_MEMBERS } from '../../operations/signing-input';
import type { OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, base64, perCall } from '../example-values';
import { blobLimitRule, digestRule, signingSpecsRule } from '../key-rules';
import {
  DRY_RUN_DOC,
  enumOf,
  GRANT_TOKENS_DOC,
  KEY_ARN_OUT,
  KEY_ID_DOC,
  member,
} from '../shared-docs';

/** The message the signing examples use, and its SHA-256 digest. */
export const PAYMENT = 'Pay 120.00 EUR to DE89370400440532013000, ref. 2026-0042';
export const PAYMENT_SHA256 = createHash('sha256').update(PAYMENT).digest('base64');

export const signDoc: OperationDoc = {
  summary:
    'Signs a message, or the digest of one, with an asymmetric key whose private half stays in the HSM.',
  about: [
    "A RAW message is hashed by QKMS with the algorithm's hash and the digest is signed in the HSM; a DIGEST message is signed as given. Either way the signature is the one AWS KMS returns for the same key and input: ECDSA signatures are DER-encoded (X9.62 `Ecdsa-Sig-Value`), RSA signatures are the modulus-sized PKCS#1 bytes, Ed25519 signatures the 64 bytes of RFC 8032.",
    'RSA signatures are checked against the public key before they leave (`pkcs11.selfVerify`, on by default), and every call is written to the audit trail with the SHA-256 of the message, never the message itself.',
  ],
  rules: [
    'The key must have key usage `SIGN_VERIFY` and be `Enabled`.',
    signingSpecsRule(),
    blobLimitRule(SIGNING_MEMBERS, 'Message', 'message or digest'),
    digestRule(),
    "Only algorithms this gateway's HSM proved at start-up are served: `GetPublicKey` and `DescribeKey` list them for each key.",
  ],
  members: {
    KeyId: KEY_ID_DOC,
    Message: 'The message (RAW) or its digest (DIGEST), base64-encoded on the wire.',
    MessageType:
      '`RAW` (the default): QKMS hashes the message. `DIGEST`: the message is already the digest. `EXTERNAL_MU`: the 64-byte ML-DSA message representative.',
    SigningAlgorithm: 'The algorithm; it must suit the key spec (see the rules above).',
    GrantTokens: GRANT_TOKENS_DOC,
    DryRun: DRY_RUN_DOC,
  },
  output: {
    KeyId: KEY_ARN_OUT,
    Signature: member({ kind: 'blob' }, 'The signature, base64-encoded on the wire.'),
    SigningAlgorithm: member(enumOf(SIGNING_ALGORITHMS), 'The algorithm used.'),
  },
  examples: [
    {
      title: 'RSA key, RAW message, RSASSA-PSS',
      says: 'QKMS hashes the message with SHA-256 and the HSM signs the digest with PSS (MGF1-SHA-256, salt as long as the hash). The signature is as long as the modulus: 256 bytes.',
      request: {
        KeyId: aliasOf(KEYS.rsa2048),
        Message: base64(PAYMENT),
        MessageType: 'RAW',
        SigningAlgorithm: 'RSASSA_PSS_SHA_256',
      },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.rsa2048),
          Signature: perCall.base64('256-byte RSASSA-PSS signature (differs on every call)'),
          SigningAlgorithm: 'RSASSA_PSS_SHA_256',
        },
      },
    },
    {
      title: 'ECC key, DIGEST',
      says: `The client hashed the message itself: \`Message\` is its 32-byte SHA-256 digest (of "${PAYMENT}"), which QKMS signs without hashing again. The ECDSA signature comes back DER-encoded.`,
      request: {
        KeyId: aliasOf(KEYS.p256),
        Message: PAYMENT_SHA256,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.p256),
          Signature: perCall.base64('DER-encoded ECDSA signature (differs on every call)'),
          SigningAlgorithm: 'ECDSA_SHA_256',
        },
      },
    },
    {
      title: 'An algorithm the key spec does not take',
      says: 'A P-256 key signs with ECDSA_SHA_256 only; the error names the algorithms it takes.',
      request: {
        KeyId: aliasOf(KEYS.p256),
        Message: base64(PAYMENT),
        SigningAlgorithm: 'RSASSA_PSS_SHA_256',
      },
      answer: {
        error: 'InvalidKeyUsageException',
        message:
          'Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256. Valid algorithms: ECDSA_SHA_256.',
      },
    },
  ],
};
