// The EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand and
// ListKeyRotations pages: new material for SYMMETRIC_DEFAULT keys (docs/rotation.md).

import type { GivenStep, OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, perCall } from '../example-values';
import {
  BOOLEAN,
  enumOf,
  KEY_ID_DOC,
  LIMIT_DOC,
  MARKER_DOC,
  member,
  PAGE_OUT,
  STRING,
  TIMESTAMP,
} from '../shared-docs';

const KEY = KEYS.ownSymmetric;
const WRITABLE = 'The gateway must be writable (`pkcs11.readOnly: false`).';
const SYMMETRIC_ONLY =
  'Only SYMMETRIC_DEFAULT keys (key usage `ENCRYPT_DECRYPT`) rotate; asymmetric and HMAC keys answer `UnsupportedOperationException`.';
const ENABLED_ONLY =
  'The key must be `Enabled`: a disabled key answers `DisabledException`, one pending deletion `KMSInvalidStateException`.';
const NOT_SYMMETRIC =
  'You cannot perform this operation on a non-symmetric key or a key with non-ENCRYPT_DECRYPT key usage.';

const materialId = perCall.keyMaterialId();

const enabled = (days: number): GivenStep => ({
  operation: 'EnableKeyRotation',
  input: { KeyId: KEY.keyId, RotationPeriodInDays: days },
  says: `Turn automatic rotation on, every ${days} days.`,
});

export const enableKeyRotationDoc: OperationDoc = {
  summary:
    "Turns on automatic rotation of a symmetric key's material every `RotationPeriodInDays` (90–2560, 365 when absent).",
  about: [
    'The first rotation is one period after this call; each rotation starts the next period. On a key whose rotation is on already, a new period counts from the start of the current one.',
    'The rotation sweeper runs on one gateway process at a time (docs/rotation.md); old material stays, so every ciphertext made before still decrypts.',
  ],
  rules: [
    SYMMETRIC_ONLY,
    ENABLED_ONLY,
    '`RotationPeriodInDays` is 90–2560 (365 when absent).',
    WRITABLE,
  ],
  members: {
    KeyId: KEY_ID_DOC,
    RotationPeriodInDays: 'Days between rotations, 90–2560; 365 when absent.',
  },
  output: {},
  examples: [
    {
      title: 'Rotate every 180 days',
      says: 'The answer has an empty body; GetKeyRotationStatus shows the schedule.',
      request: { KeyId: KEY.keyId, RotationPeriodInDays: 180 },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A key pending deletion',
      says: 'CancelKeyDeletion comes first.',
      given: [
        {
          operation: 'ScheduleKeyDeletion',
          input: { KeyId: KEY.keyId, PendingWindowInDays: 7 },
          says: 'Schedule the key for deletion.',
        },
      ],
      request: { KeyId: KEY.keyId },
      answer: { error: 'KMSInvalidStateException', message: `${arnOf(KEY)} is pending deletion.` },
    },
    {
      title: 'A signing key',
      says: 'Asymmetric keys never rotate.',
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: { error: 'UnsupportedOperationException', message: NOT_SYMMETRIC },
    },
  ],
};

export const disableKeyRotationDoc: OperationDoc = {
  summary: "Turns automatic rotation of a symmetric key's material off.",
  about: [
    'Every material made so far stays: ciphertexts made with any of them still decrypt, and new ones use the newest. Turning it off twice is no error.',
  ],
  rules: [SYMMETRIC_ONLY, ENABLED_ONLY, WRITABLE],
  members: { KeyId: KEY_ID_DOC },
  output: {},
  examples: [
    {
      title: 'Turn rotation off',
      says: 'The answer has an empty body.',
      given: [enabled(365)],
      request: { KeyId: KEY.keyId },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A disabled key',
      says: 'Enable the key first.',
      given: [{ operation: 'DisableKey', input: { KeyId: KEY.keyId }, says: 'Disable the key.' }],
      request: { KeyId: KEY.keyId },
      answer: { error: 'DisabledException', message: `${arnOf(KEY)} is disabled.` },
    },
  ],
};

export const getKeyRotationStatusDoc: OperationDoc = {
  summary: 'Says whether automatic rotation is on for a key, with its period and next date.',
  about: [
    'Asymmetric and HMAC keys answer `KeyRotationEnabled: false`, as AWS now does. A key pending deletion answers false; CancelKeyDeletion brings its schedule back. A disabled key keeps its status, but is not rotated until it is enabled again (then at once if its date has passed).',
    'RotateKeyOnDemand finishes before it answers, so `OnDemandRotationStartDate` never appears.',
  ],
  rules: ['Any key state.'],
  members: { KeyId: KEY_ID_DOC },
  output: {
    KeyId: member(STRING, 'The key ARN.'),
    KeyRotationEnabled: member(BOOLEAN, 'Whether automatic rotation is on.'),
    RotationPeriodInDays: member({ kind: 'integer' }, 'Days between rotations, while on.'),
    NextRotationDate: member(TIMESTAMP, 'When the sweeper next rotates the material, while on.'),
  },
  examples: [
    {
      title: 'Rotation on',
      says: 'The period and the date of the next rotation.',
      given: [enabled(365)],
      request: { KeyId: KEY.keyId },
      answer: {
        status: 200,
        body: {
          KeyId: arnOf(KEY),
          KeyRotationEnabled: true,
          RotationPeriodInDays: 365,
          NextRotationDate: perCall.epoch('365 days from now'),
        },
      },
    },
    {
      title: 'A signing key',
      says: 'It never rotates.',
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: { status: 200, body: { KeyId: arnOf(KEYS.p256), KeyRotationEnabled: false } },
    },
  ],
};

export const rotateKeyOnDemandDoc: OperationDoc = {
  summary:
    'Gives a symmetric key new material now, whatever its automatic schedule (which it leaves as it is).',
  about: [
    'The new AES-256 key is generated in the HSM and recorded before the answer: from then on Encrypt uses it on every gateway process, and every older material still decrypts what it encrypted.',
    'As in AWS, a key can be rotated on demand 25 times.',
  ],
  rules: [SYMMETRIC_ONLY, ENABLED_ONLY, 'At most 25 on-demand rotations per key.', WRITABLE],
  members: { KeyId: KEY_ID_DOC },
  output: { KeyId: member(STRING, 'The key id.') },
  examples: [
    {
      title: 'Rotate now',
      says: 'The key id; ListKeyRotations lists the rotation.',
      request: { KeyId: KEY.keyId },
      answer: { status: 200, body: { KeyId: KEY.keyId } },
    },
    {
      title: 'An HMAC key',
      says: 'HMAC keys never rotate.',
      request: { KeyId: aliasOf(KEYS.hmac256) },
      answer: { error: 'UnsupportedOperationException', message: NOT_SYMMETRIC },
    },
  ],
};

export const listKeyRotationsDoc: OperationDoc = {
  summary: "Lists a symmetric key's rotations, oldest first, a page at a time.",
  about: [
    'A key never rotated lists none. `IncludeKeyMaterial: ALL_KEY_MATERIAL` puts the key’s first material first (it has no `RotationDate` or `RotationType`). `KeyMaterialId` is the SHA-256 of the material’s 16-byte id; `CURRENT` marks the material Encrypt uses.',
  ],
  rules: [SYMMETRIC_ONLY, '`Limit` is 1–1000 (100 when absent).', 'Any key state.'],
  members: {
    KeyId: KEY_ID_DOC,
    IncludeKeyMaterial: '`ROTATIONS_ONLY` (the default) or `ALL_KEY_MATERIAL`.',
    Limit: LIMIT_DOC(1000, 100),
    Marker: MARKER_DOC,
  },
  output: {
    Rotations: member(
      {
        kind: 'list',
        of: {
          kind: 'structure',
          name: 'RotationsListEntry',
          members: {
            KeyId: member(STRING, 'The key id.'),
            KeyMaterialId: member(STRING, 'The material: 64 hex digits.'),
            KeyMaterialState: member(enumOf(['CURRENT', 'NON_CURRENT']), 'Whether it encrypts.'),
            RotationDate: member(TIMESTAMP, 'When the rotation made it.'),
            RotationType: member(enumOf(['AUTOMATIC', 'ON_DEMAND']), 'Which kind of rotation.'),
          },
        },
      },
      'The rotations of this page.',
    ),
    ...PAGE_OUT,
  },
  examples: [
    {
      title: 'One on-demand rotation',
      says: 'The new material is the current one.',
      given: [
        { operation: 'RotateKeyOnDemand', input: { KeyId: KEY.keyId }, says: 'Rotate the key.' },
      ],
      request: { KeyId: KEY.keyId },
      answer: {
        status: 200,
        body: {
          Rotations: [
            {
              KeyId: KEY.keyId,
              KeyMaterialId: materialId,
              KeyMaterialState: 'CURRENT',
              RotationDate: perCall.epoch('when it was rotated'),
              RotationType: 'ON_DEMAND',
            },
          ],
          Truncated: false,
        },
      },
    },
    {
      title: 'A key never rotated, with its first material',
      says: 'Without `IncludeKeyMaterial` the list would be empty.',
      request: { KeyId: KEY.keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' },
      answer: {
        status: 200,
        body: {
          Rotations: [{ KeyId: KEY.keyId, KeyMaterialId: materialId, KeyMaterialState: 'CURRENT' }],
          Truncated: false,
        },
      },
    },
  ],
};
