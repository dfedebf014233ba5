// The CreateKey page.

import { KEY_SPEC_TABLE, KEY_SPECS } from '../../crypto/key-specs';
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
    'Generates a signing key pair or an HMAC key in the HSM (sensitive, never extractable) and records its metadata; symmetric encryption, key agreement, imported material and multi-Region keys are not served.',
  about: [
    'The key material is generated inside the HSM and never leaves it. A 200 answer means the key is recorded and every process sharing the metadata serves it; a creation interrupted by a crash leaves no key objects behind.',
    "`Policy` and `BypassPolicyLockoutSafetyCheck` are accepted and ignored: access is decided by QKMS's own policy list (security.md).",
  ],
  rules: [
    '`KeyUsage` must be given: `SIGN_VERIFY` for asymmetric key specs, `GENERATE_VERIFY_MAC` for `HMAC_*` (as in AWS, it defaults to ENCRYPT_DECRYPT, which QKMS does not serve).',
    `Key specs this build can generate, where the HSM supports them: ${creatable.map((s) => `\`${s}\``).join(', ')}.`,
    'At most 50 tags; keys 1–128 and values 0–256 characters; no `aws:` prefix.',
    'The gateway must be writable (`pkcs11.readOnly: false`).',
  ],
  members: {
    Policy: 'Accepted and ignored (QKMS policies live in its config file).',
    Description: 'A description, up to 8192 characters.',
    KeyUsage:
      '`SIGN_VERIFY` or `GENERATE_VERIFY_MAC`; the other values answer `UnsupportedOperationException`.',
    CustomerMasterKeySpec: 'The deprecated name of `KeySpec`; give one or the other.',
    KeySpec: 'The key spec. `SYMMETRIC_DEFAULT` (the default) is not served.',
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
      says: 'Without `KeySpec` AWS KMS creates a symmetric encryption key, which a signing gateway does not.',
      request: { Description: 'Encrypts backups' },
      answer: {
        error: 'UnsupportedOperationException',
        message:
          'QKMS does not create SYMMETRIC_DEFAULT (encryption) keys: it is a signing gateway. Use an asymmetric KeySpec with KeyUsage SIGN_VERIFY, or HMAC_* with GENERATE_VERIFY_MAC.',
      },
    },
  ],
};
