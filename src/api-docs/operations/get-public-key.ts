// The GetPublicKey page.

import { KEY_SPEC_TABLE, KEY_SPECS } from '../../crypto/key-specs';
import { SIGNING_ALGORITHMS } from '../../crypto/signing-algorithms';
import type { OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, perCall } from '../example-values';
import {
  ENCRYPTION_ALGORITHMS_OUT,
  enumOf,
  GRANT_TOKENS_DOC,
  KEY_AGREEMENT_ALGORITHMS_OUT,
  KEY_ARN_OUT,
  KEY_ID_DOC,
  KEY_USAGES,
  member,
} from '../shared-docs';

export const getPublicKeyDoc: OperationDoc = {
  summary:
    'Returns the public key of an asymmetric key as DER SubjectPublicKeyInfo, with its key spec, key usage and the algorithms of that usage this gateway serves for it.',
  about: [
    'Anyone holding the public key can verify signatures, encrypt to an RSA encryption key or agree a key with a key agreement key without calling QKMS (node:crypto, OpenSSL, any JOSE or X.509 library). The key is read from the HSM once and cached.',
  ],
  rules: [
    'The key must be asymmetric and `Enabled`; symmetric encryption keys and HMAC keys have no public key.',
    "`SigningAlgorithms` lists only the algorithms this gateway's HSM proved at start-up (on SoftHSM 2.6, `ED25519_PH_SHA_512` is left out).",
  ],
  members: { KeyId: KEY_ID_DOC, GrantTokens: GRANT_TOKENS_DOC },
  output: {
    KeyId: KEY_ARN_OUT,
    PublicKey: member(
      { kind: 'blob' },
      'The DER-encoded SubjectPublicKeyInfo (RFC 5280), base64-encoded on the wire.',
    ),
    CustomerMasterKeySpec: member(
      enumOf(KEY_SPECS),
      'The key spec under its deprecated name, for the specs AWS still reports it for.',
    ),
    KeySpec: member(enumOf(KEY_SPECS), 'The key spec.'),
    KeyUsage: member(
      enumOf(KEY_USAGES.filter((u) => u !== 'GENERATE_VERIFY_MAC')),
      '`SIGN_VERIFY`, `ENCRYPT_DECRYPT` (RSA) or `KEY_AGREEMENT` (ECC NIST curves).',
    ),
    SigningAlgorithms: member(
      { kind: 'list', of: enumOf(SIGNING_ALGORITHMS) },
      'The signing algorithms this gateway serves for a SIGN_VERIFY key.',
    ),
    EncryptionAlgorithms: ENCRYPTION_ALGORITHMS_OUT,
    KeyAgreementAlgorithms: KEY_AGREEMENT_ALGORITHMS_OUT,
  },
  examples: [
    {
      title: 'An ECC key',
      says: 'The P-256 demo key, named by its alias.',
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.p256),
          PublicKey: perCall.base64('91-byte DER SubjectPublicKeyInfo of this key'),
          CustomerMasterKeySpec: 'ECC_NIST_P256',
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: ['ECDSA_SHA_256'],
        },
      },
    },
    {
      title: 'An RSA key',
      says: 'The RSA-2048 demo key, named by its key ARN: every PSS and PKCS #1 v1.5 algorithm.',
      request: { KeyId: arnOf(KEYS.rsa2048) },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.rsa2048),
          PublicKey: perCall.base64('294-byte DER SubjectPublicKeyInfo of this key'),
          CustomerMasterKeySpec: 'RSA_2048',
          KeySpec: 'RSA_2048',
          KeyUsage: 'SIGN_VERIFY',
          SigningAlgorithms: [...KEY_SPEC_TABLE.RSA_2048.signingAlgorithms],
        },
      },
    },
    {
      title: 'An HMAC key',
      says: 'HMAC keys are secret keys: there is no public half to return.',
      request: { KeyId: aliasOf(KEYS.hmac256) },
      answer: {
        error: 'UnsupportedOperationException',
        message: `${arnOf(KEYS.hmac256)} is a HMAC_256 key; only asymmetric keys have a public key.`,
      },
    },
  ],
};
