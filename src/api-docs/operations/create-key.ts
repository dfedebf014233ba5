// The CreateKey page.

import { KEY_SPEC_TABLE, KEY_SPECS, KEY_USAGES } from '../../crypto/key-specs';
import type { OperationDoc } from '../doc-types';
import { SCOPE, perCall } from '../example-values';
import { KEY_METADATA } from '../shared-docs';

const creatable = KEY_SPECS.filter((s) => KEY_SPEC_TABLE[s].generation.kind !== 'unavailable');

const NEW_KEY = {
  AWSAccountId: SCOPE.account,
  KeyId: perCall.keyId(),
  Arn: perCall.keyArn(),
  CreationDate: perCall.epoch('now'),
  Enabled: true,
  KeyState: 'Enabled',
  Origin: 'AWS_KMS',
  KeyManager: 'CUSTOMER',
  MultiRegion: false,
} as const;

export const createKeyDoc: OperationDoc = {
  summary:
    'Generates a key in the HSM (sensitive, never extractable) and records its metadata: a symmetric encryption key, a signing, encryption or key agreement key pair, or an HMAC key; imported material and multi-Region keys are not served.',
  about: [
    'The key material is generated inside the HSM and never leaves it. A 200 answer means the key is recorded and every process sharing the metadata serves it; a creation interrupted by a crash leaves no key objects behind.',
    "`Policy` and `BypassPolicyLockoutSafetyCheck` are accepted and ignored: access is decided by QKMS's own policy list (security.md).",
  ],
  rules: [
    `\`KeyUsage\` (default \`ENCRYPT_DECRYPT\`, as in AWS) must suit the key spec: ${KEY_USAGES.map(
      (usage) =>
        `\`${usage}\` for ${KEY_SPECS.filter(
          (s) => KEY_SPEC_TABLE[s].keyUsages.includes(usage) && creatable.includes(s),
        )
          .map((s) => `\`${s}\``)
          .join(', ')}`,
    ).join('; ')}.`,
    `Key specs this build can generate, where the HSM supports them: ${creatable.map((s) => `\`${s}\``).join(', ')}.`,
    'At most 50 tags; keys 1–128 and values 0–256 characters; no `aws:` prefix.',
    'The gateway must be writable (`pkcs11.readOnly: false`).',
  ],
  members: {
    Policy: 'Accepted and ignored (QKMS policies live in its config file).',
    Description: 'A description, up to 8192 characters.',
    KeyUsage:
      'What the key is for: `ENCRYPT_DECRYPT` (the default), `SIGN_VERIFY`, `GENERATE_VERIFY_MAC` or `KEY_AGREEMENT`; one per key.',
    CustomerMasterKeySpec: 'The deprecated name of `KeySpec`; give one or the other.',
    KeySpec:
      'The key spec; `SYMMETRIC_DEFAULT` (the default) is an AES-256 key used with AES-GCM in the HSM.',
    Origin: '`AWS_KMS` (the default); key material is always generated in the HSM.',
    CustomKeyStoreId: 'Not served: any value answers `UnsupportedOperationException`.',
    BypassPolicyLockoutSafetyCheck: 'Accepted and ignored.',
    Tags: 'Tags for the key (`TagKey`, `TagValue`).',
    MultiRegion: 'Not served: true answers `UnsupportedOperationException`.',
    XksKeyId: 'Not served: any value answers `UnsupportedOperationException`.',
  },
  output: { KeyMetadata: KEY_METADATA },
  examples: [
    {
      title: 'An ECC signing key with a description and a tag',
      says: 'A P-256 key pair generated in the HSM.',
      request: {
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'Signs payment instructions',
        Tags: [{ TagKey: 'team', TagValue: 'payments' }],
      },
      answer: {
        status: 200,
        body: {
          KeyMetadata: {
            ...NEW_KEY,
            Description: 'Signs payment instructions',
            KeyUsage: 'SIGN_VERIFY',
            CustomerMasterKeySpec: 'ECC_NIST_P256',
            KeySpec: 'ECC_NIST_P256',
            SigningAlgorithms: ['ECDSA_SHA_256'],
          },
        },
      },
    },
    {
      title: 'An HMAC key',
      says: 'A 256-bit generic secret generated in the HSM, for GenerateMac and VerifyMac.',
      request: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      answer: {
        status: 200,
        body: {
          KeyMetadata: {
            ...NEW_KEY,
            Description: '',
            KeyUsage: 'GENERATE_VERIFY_MAC',
            CustomerMasterKeySpec: 'HMAC_256',
            KeySpec: 'HMAC_256',
            MacAlgorithms: ['HMAC_SHA_256'],
          },
        },
      },
    },
    {
      title: 'No key spec: a symmetric encryption key',
      says: 'Without `KeySpec` and `KeyUsage`, a SYMMETRIC_DEFAULT key for Encrypt, Decrypt and data keys, as in AWS KMS.',
      request: { Description: 'Encrypts backups' },
      answer: {
        status: 200,
        body: {
          KeyMetadata: {
            ...NEW_KEY,
            Description: 'Encrypts backups',
            KeyUsage: 'ENCRYPT_DECRYPT',
            CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
            CurrentKeyMaterialId: perCall.keyMaterialId(),
          },
        },
      },
    },
    {
      title: 'A key usage the key spec does not have',
      says: 'secp256k1 keys only sign; key agreement keys are on the NIST curves.',
      request: { KeySpec: 'ECC_SECG_P256K1', KeyUsage: 'KEY_AGREEMENT' },
      answer: {
        error: 'ValidationException',
        message: 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1.',
      },
    },
  ],
};
