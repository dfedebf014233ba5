// The exceptions operations can answer, declared as data: one table per cause (looking a key
// up, the key's state, calling the HSM, changing metadata, …). Each operation lists the tables
// that apply to it plus its own cases (operation.ts `errors`); its reference page and the
// table in docs/compatibility.md are generated from these lists, and tests hold every listed
// case to one the operation really answers.

import type { KmsErrorName } from '../errors/kms-error';

/** One exception an operation can answer, and when, in words for its reference page. */
export interface DeclaredError {
  readonly name: KmsErrorName;
  readonly when: string;
}

export type ErrorTable = readonly DeclaredError[];

/** Every operation that names a key by KeyId (key id, key ARN, alias name or alias ARN). */
export const KEY_LOOKUP: ErrorTable = [
  {
    name: 'NotFoundException',
    when: 'The key does not exist, the alias names no key, or the ARN names another partition, Region or account.',
  },
  {
    name: 'KeyUnavailableException',
    when: 'With `metadata.store: postgres`, the database has been unreachable for longer than `metadata.postgres.maxStaleSeconds`.',
  },
];

/** Operations that use a key's material: the key must be enabled. */
export const KEY_STATE_FOR_USE: ErrorTable = [
  { name: 'DisabledException', when: 'The key is disabled.' },
  { name: 'KMSInvalidStateException', when: 'The key is pending deletion.' },
];

/** Operations that use key material in the HSM: the objects must be there. */
export const KEY_MATERIAL: ErrorTable = [
  {
    name: 'KMSInvalidStateException',
    when: 'The HSM does not hold the key material this operation needs (a key adopted with only its public key can verify but not sign).',
  },
];

/** Operations that change a key's record: not once it is scheduled for deletion. */
export const KEY_STATE_FOR_CHANGE: ErrorTable = [
  { name: 'KMSInvalidStateException', when: 'The key is pending deletion.' },
];

/** Operations that call the HSM on the request's path. */
export const HSM_CALL: ErrorTable = [
  {
    name: 'ThrottlingException',
    when: 'No PKCS#11 session became free within `pkcs11.acquireTimeoutMs`. SDKs retry it.',
  },
  {
    name: 'KeyUnavailableException',
    when: 'The HSM is unreachable, or QKMS is logging in to it again after a device error.',
  },
  {
    name: 'DependencyTimeoutException',
    when: 'The HSM did not answer within `pkcs11.callTimeoutMs`. SDKs retry it.',
  },
];

/** Operations that change key metadata (kept in the token or in PostgreSQL). */
export const METADATA_CHANGE: ErrorTable = [
  {
    name: 'UnsupportedOperationException',
    when: 'The gateway is read-only (`pkcs11.readOnly: true`).',
  },
  {
    name: 'DependencyTimeoutException',
    when: "Another process held the host's metadata lock longer than `metadata.lockTimeoutMs`, or the metadata database could not be reached. SDKs retry it.",
  },
  {
    name: 'KMSInternalException',
    when: 'The audit trail could not be written, so the change was not made.',
  },
  ...HSM_CALL.filter((e) => e.name !== 'ThrottlingException'),
];

/** Sign, Verify, GenerateMac and VerifyMac with `DryRun: true`. */
export const DRY_RUN: ErrorTable = [
  {
    name: 'DryRunOperationException',
    when: '`DryRun` is true and every other check passed; the HSM was not used.',
  },
];

/** The List operations. */
export const PAGING: ErrorTable = [
  {
    name: 'InvalidMarkerException',
    when: '`Marker` is not a marker this gateway issued for this operation and filter.',
  },
];
