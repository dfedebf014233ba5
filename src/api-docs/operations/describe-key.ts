// The DescribeKey page.

import type { OperationDoc } from '../doc-types';
import { KEYS, SCOPE, aliasOf, arnOf, perCall } from '../example-values';
import { GRANT_TOKENS_DOC, KEY_ID_DOC, KEY_METADATA } from '../shared-docs';

export const describeKeyDoc: OperationDoc = {
  summary:
    "Returns a key's full metadata: ARN, state, dates, usage, key spec and the algorithms this gateway serves for it; also for disabled keys and keys pending deletion.",
  about: [
    "The answer comes from QKMS's key catalog (kept in the token or in PostgreSQL), without calling the HSM. Keys adopted from the token (listed in the config file or imported with `qkms keys import`) have `Origin: EXTERNAL` and a `CreationDate` of 0.",
  ],
  rules: [
    'Any key state is described, including `Disabled` and `PendingDeletion`.',
    "The algorithm lists name only what this gateway's HSM proved at start-up.",
  ],
  members: { KeyId: KEY_ID_DOC, GrantTokens: GRANT_TOKENS_DOC },
  output: { KeyMetadata: KEY_METADATA },
  examples: [
    {
      title: 'A signing key, by alias',
      says: 'The P-256 key `qkms dev` creates.',
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: {
        status: 200,
        body: {
          KeyMetadata: {
            AWSAccountId: SCOPE.account,
            KeyId: KEYS.p256.keyId,
            Arn: arnOf(KEYS.p256),
            CreationDate: perCall.epoch('when the key was created'),
            Enabled: true,
            Description: 'QKMS demo key (ECC_NIST_P256)',
            KeyUsage: 'SIGN_VERIFY',
            KeyState: 'Enabled',
            Origin: 'AWS_KMS',
            KeyManager: 'CUSTOMER',
            CustomerMasterKeySpec: 'ECC_NIST_P256',
            KeySpec: 'ECC_NIST_P256',
            SigningAlgorithms: ['ECDSA_SHA_256'],
            MultiRegion: false,
          },
        },
      },
    },
    {
      title: 'A key pending deletion',
      says: 'A key of your own, scheduled for deletion seven days ahead: disabled, with the date its material goes.',
      given: [
        {
          operation: 'ScheduleKeyDeletion',
          input: { KeyId: KEYS.own.keyId, PendingWindowInDays: 7 },
          says: 'Schedule the key for deletion in 7 days.',
        },
      ],
      request: { KeyId: KEYS.own.keyId },
      answer: {
        status: 200,
        body: {
          KeyMetadata: {
            AWSAccountId: SCOPE.account,
            KeyId: KEYS.own.keyId,
            Arn: arnOf(KEYS.own),
            CreationDate: perCall.epoch('when the key was created'),
            Enabled: false,
            Description: KEYS.own.description,
            KeyUsage: 'SIGN_VERIFY',
            KeyState: 'PendingDeletion',
            DeletionDate: perCall.epoch('seven days after the call'),
            Origin: 'AWS_KMS',
            KeyManager: 'CUSTOMER',
            CustomerMasterKeySpec: 'ECC_NIST_P256',
            KeySpec: 'ECC_NIST_P256',
            SigningAlgorithms: ['ECDSA_SHA_256'],
            MultiRegion: false,
          },
        },
      },
    },
    {
      title: 'An HMAC key, by key ARN',
      says: 'MAC keys list `MacAlgorithms` instead of `SigningAlgorithms`.',
      request: { KeyId: arnOf(KEYS.hmac256) },
      answer: {
        status: 200,
        body: {
          KeyMetadata: {
            AWSAccountId: SCOPE.account,
            KeyId: KEYS.hmac256.keyId,
            Arn: arnOf(KEYS.hmac256),
            CreationDate: perCall.epoch('when the key was created'),
            Enabled: true,
            Description: 'QKMS demo key (HMAC_256)',
            KeyUsage: 'GENERATE_VERIFY_MAC',
            KeyState: 'Enabled',
            Origin: 'AWS_KMS',
            KeyManager: 'CUSTOMER',
            CustomerMasterKeySpec: 'HMAC_256',
            KeySpec: 'HMAC_256',
            MacAlgorithms: ['HMAC_SHA_256'],
            MultiRegion: false,
          },
        },
      },
    },
  ],
};
