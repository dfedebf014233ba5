// The GetKeyLastUsage page.

import { LAST_USAGE_OPERATIONS } from '../../audit/audit-trail';
import type { OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, base64, perCall } from '../example-values';
import { enumOf, KEY_ARN_OUT, KEY_ID_DOC, member, STRING, TIMESTAMP } from '../shared-docs';

export const getKeyLastUsageDoc: OperationDoc = {
  summary:
    "Tells when a key was last used in a cryptographic operation (signing, MACs, encryption, data keys, key agreement), from QKMS's own audit trail.",
  about: [
    "AWS KMS answers this from CloudTrail; QKMS answers from its audit trail (`audit.file`): `KmsRequestId` is QKMS's request id, and there is no `CloudTrailEventId`. At start-up QKMS reads the last 16 MiB of the trail; `TrackingStartDate` is the oldest use in it. With several workers, each answers from the uses it has seen since it started.",
  ],
  rules: [
    `Only successful calls of these operations count: ${LAST_USAGE_OPERATIONS.join(', ')}. ReEncrypt counts for both of its keys.`,
  ],
  members: { KeyId: KEY_ID_DOC },
  output: {
    KeyId: KEY_ARN_OUT,
    KeyLastUsage: member(
      {
        kind: 'structure',
        name: 'KeyLastUsage',
        members: {
          Operation: member(enumOf(LAST_USAGE_OPERATIONS), 'The operation.'),
          Timestamp: member(TIMESTAMP, 'When it was answered (with milliseconds).'),
          KmsRequestId: member(STRING, 'Its request id (`x-amzn-RequestId`).'),
        },
      },
      'The last use; absent when the trail has none.',
    ),
    TrackingStartDate: member(TIMESTAMP, 'Since when uses are known.'),
    KeyCreationDate: member(TIMESTAMP, 'When the key was created.'),
  },
  examples: [
    {
      title: 'A key that has signed',
      says: 'The last use is the Sign just before.',
      given: [
        {
          operation: 'Sign',
          input: {
            KeyId: aliasOf(KEYS.p256),
            Message: base64('hello'),
            SigningAlgorithm: 'ECDSA_SHA_256',
          },
          says: 'Sign a message with the key.',
        },
      ],
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.p256),
          KeyLastUsage: {
            Operation: 'Sign',
            Timestamp: perCall.epoch('when the Sign was answered'),
            KmsRequestId: perCall.requestId(),
          },
          TrackingStartDate: perCall.epoch('the oldest use in the audit trail'),
          KeyCreationDate: perCall.epoch('when the key was created'),
        },
      },
    },
    {
      title: 'A key never used',
      says: 'No `KeyLastUsage` member.',
      request: { KeyId: KEYS.own.keyId },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.own),
          TrackingStartDate: perCall.epoch('the oldest use in the audit trail'),
          KeyCreationDate: perCall.epoch('when the key was created'),
        },
      },
    },
  ],
};
