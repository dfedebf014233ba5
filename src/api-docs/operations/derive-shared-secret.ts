// The DeriveSharedSecret page.

import { KEY_AGREEMENT_ALGORITHMS } from '../../crypto/key-agreement-algorithms';
import type { OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, perCall } from '../example-values';
import { DRY_RUN_DOC, enumOf, GRANT_TOKENS_DOC, KEY_ID_DOC, member } from '../shared-docs';

/** A peer's P-256 public key (DER SPKI), as the peer would send it. */
const PEER_P256 =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEgJ2I0nGde3pvZ4aGZ1DCefItuewVZyzxuSKSQdgAiu4FUFXJryRW4r0AhfewX2j9DteQomG4OEt3OIiZFBX6sA==';
/** A P-384 public key: the wrong curve for a P-256 key. */
const PEER_P384 =
  'MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEq659fwL8wCUwtGLIdHOoo9vGEa8C2GN2ILnhxhCnUOdn6wXmZbgfbT6/KajIprENKAo03aGadfGU0GxWgU6vueYOY+cDLfClVgP2+ttA3oYHAXNptIlmngh3LYCfvKsT';

const REQUEST = {
  KeyId: aliasOf(KEYS.ecdhP256),
  KeyAgreementAlgorithm: 'ECDH',
  PublicKey: PEER_P256,
};

export const deriveSharedSecretDoc: OperationDoc = {
  summary:
    "Derives the raw ECDH shared secret of a key agreement key's private half (in the HSM) and a peer's public key.",
  about: [
    'The HSM computes ECDH (`CKM_ECDH1_DERIVE`, no KDF): the secret is the x coordinate of the shared point, 32, 48 or 66 bytes. The peer computes the same from its private key and the public key GetPublicKey returns (node:crypto `diffieHellman`, OpenSSL `pkeyutl -derive`). Derive keys from it with a KDF (NIST SP 800-56C), never use it as a key directly.',
  ],
  rules: [
    'The key must have key usage `KEY_AGREEMENT` (ECC_NIST_P256, ECC_NIST_P384 or ECC_NIST_P521) and be `Enabled`.',
    '`PublicKey` is a DER SubjectPublicKeyInfo on the same curve, its point uncompressed or compressed. Another curve, an RSA key, a point not on the curve and the point at infinity are refused (`ValidationException`).',
  ],
  members: {
    KeyId: KEY_ID_DOC,
    KeyAgreementAlgorithm: 'The key agreement algorithm; `ECDH` is the only one.',
    PublicKey: "The peer's public key, DER SubjectPublicKeyInfo, base64-encoded on the wire.",
    GrantTokens: GRANT_TOKENS_DOC,
    DryRun: DRY_RUN_DOC,
    Recipient:
      'AWS Nitro Enclaves attestation. Not served: QKMS cannot verify an attestation document, so a request with `Recipient` is refused.',
  },
  output: {
    KeyId: member({ kind: 'string' }, 'The key ARN of the key used.'),
    SharedSecret: member({ kind: 'blob' }, 'The raw shared secret, base64-encoded on the wire.'),
    KeyOrigin: member(enumOf(['AWS_KMS', 'EXTERNAL']), 'Where the key material came from.'),
    KeyAgreementAlgorithm: member(enumOf(KEY_AGREEMENT_ALGORITHMS), 'The algorithm used.'),
  },
  examples: [
    {
      title: "A peer's P-256 public key",
      says: 'The ECDH demo key and a peer key on the same curve: a 32-byte secret.',
      request: REQUEST,
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.ecdhP256),
          SharedSecret: perCall.base64('32-byte shared secret of this key and the peer key'),
          KeyOrigin: 'AWS_KMS',
          KeyAgreementAlgorithm: 'ECDH',
        },
      },
    },
    {
      title: 'A peer key on another curve',
      says: 'Both keys must be on one curve.',
      request: { ...REQUEST, PublicKey: PEER_P384 },
      answer: {
        error: 'ValidationException',
        message: 'PublicKey is on curve ECC_NIST_P384 but the key is on curve ECC_NIST_P256.',
      },
    },
    {
      title: 'A signing key',
      says: 'The P-256 signing demo key has key usage `SIGN_VERIFY`.',
      request: { ...REQUEST, KeyId: aliasOf(KEYS.p256) },
      answer: {
        error: 'InvalidKeyUsageException',
        message: `${arnOf(KEYS.p256)} key usage is SIGN_VERIFY which is not valid for DeriveSharedSecret.`,
      },
    },
  ],
};
