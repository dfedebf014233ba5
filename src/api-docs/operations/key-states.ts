// The EnableKey, DisableKey, ScheduleKeyDeletion and CancelKeyDeletion pages: a key's life.

import type { GivenStep, OperationDoc } from '../doc-types';
import { KEYS, arnOf, perCall } from '../example-values';
import {
  enumOf,
  KEY_ID_DOC,
  KEY_STATES,
  member,
  STRING,
  TIMESTAMP,
  KEY_ARN_OUT,
} from '../shared-docs';

const UNKNOWN_KEY = '11111111-2222-3333-4444-555555555555';
const WRITABLE = 'The gateway must be writable (`pkcs11.readOnly: false`).';

const step = (operation: string, says: string, extra: Record<string, number> = {}): GivenStep => ({
  operation,
  input: { KeyId: KEYS.own.keyId, ...extra },
  says,
});
const scheduled = step('ScheduleKeyDeletion', 'Schedule the key for deletion.', {
  PendingWindowInDays: 7,
});

export const enableKeyDoc: OperationDoc = {
  summary: 'Enables a disabled key, so that it signs, verifies and computes MACs again.',
  about: ['Enabling an enabled key changes nothing and succeeds.'],
  rules: [
    'A key pending deletion cannot be enabled: cancel the deletion (it comes back disabled), then enable it.',
    WRITABLE,
  ],
  members: { KeyId: KEY_ID_DOC },
  output: {},
  examples: [
    {
      title: 'Enable a disabled key',
      says: 'The answer has an empty body.',
      given: [step('DisableKey', 'Disable the key.')],
      request: { KeyId: KEYS.own.keyId },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A key pending deletion',
      says: 'CancelKeyDeletion comes first.',
      given: [scheduled],
      request: { KeyId: KEYS.own.keyId },
      answer: {
        error: 'KMSInvalidStateException',
        message: `${arnOf(KEYS.own)} is pending deletion.`,
      },
    },
  ],
};

export const disableKeyDoc: OperationDoc = {
  summary:
    'Disables a key: Sign, Verify, GetPublicKey, GenerateMac and VerifyMac answer `DisabledException` until it is enabled again.',
  about: [
    'The key material stays in the HSM. Every process sharing the metadata sees the change within about a second (see compatibility.md).',
  ],
  rules: ['A key pending deletion is already unusable and cannot be disabled.', WRITABLE],
  members: { KeyId: KEY_ID_DOC },
  output: {},
  examples: [
    {
      title: 'Disable a key',
      says: 'The answer has an empty body.',
      request: { KeyId: KEYS.own.keyId },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A key that does not exist',
      says: 'The error names the key by its ARN.',
      request: { KeyId: UNKNOWN_KEY },
      answer: {
        error: 'NotFoundException',
        message: `Key '${arnOf({ keyId: UNKNOWN_KEY, spec: 'ECC_NIST_P256' })}' does not exist`,
      },
    },
  ],
};

export const scheduleKeyDeletionDoc: OperationDoc = {
  summary:
    'Schedules a key for deletion after a waiting period of 7–30 days (30 by default); its material is destroyed in the HSM only once the period has passed.',
  about: [
    "Until then the key is `PendingDeletion`: unusable, but CancelKeyDeletion brings it back (disabled). A sweeper destroys the key objects and removes the key's record and aliases once `DeletionDate` has passed.",
  ],
  rules: [
    '`PendingWindowInDays` is 7–30.',
    'A key already pending deletion cannot be scheduled again.',
    WRITABLE,
  ],
  members: {
    KeyId: KEY_ID_DOC,
    PendingWindowInDays: 'Days until the key material is destroyed, 7–30; 30 when absent.',
  },
  output: {
    KeyId: KEY_ARN_OUT,
    DeletionDate: member(TIMESTAMP, 'When the key material will be destroyed.'),
    KeyState: member(enumOf(KEY_STATES), 'Always `PendingDeletion`.'),
    PendingWindowInDays: member({ kind: 'integer' }, 'The waiting period, in days.'),
  },
  examples: [
    {
      title: 'Seven days',
      says: 'The shortest waiting period.',
      request: { KeyId: KEYS.own.keyId, PendingWindowInDays: 7 },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.own),
          DeletionDate: perCall.epoch('seven days after the call'),
          KeyState: 'PendingDeletion',
          PendingWindowInDays: 7,
        },
      },
    },
    {
      title: 'The default period',
      says: 'Without `PendingWindowInDays`, 30 days.',
      request: { KeyId: KEYS.own.keyId },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEYS.own),
          DeletionDate: perCall.epoch('30 days after the call'),
          KeyState: 'PendingDeletion',
          PendingWindowInDays: 30,
        },
      },
    },
  ],
};

export const cancelKeyDeletionDoc: OperationDoc = {
  summary: 'Cancels a scheduled deletion; the key comes back `Disabled`, as in AWS KMS.',
  about: ['Enable the key afterwards to use it again.'],
  rules: [
    'The key must be pending deletion, and its deletion date must not have passed.',
    WRITABLE,
  ],
  members: { KeyId: KEY_ID_DOC },
  output: { KeyId: member(STRING, 'The key ARN.') },
  examples: [
    {
      title: 'Cancel a deletion',
      says: 'The key is `Disabled` afterwards.',
      given: [scheduled],
      request: { KeyId: KEYS.own.keyId },
      answer: { status: 200, body: { KeyId: arnOf(KEYS.own) } },
    },
    {
      title: 'A key that is not pending deletion',
      says: 'There is nothing to cancel.',
      request: { KeyId: KEYS.own.keyId },
      answer: {
        error: 'KMSInvalidStateException',
        message: `${arnOf(KEYS.own)} is not pending deletion.`,
      },
    },
  ],
};
