// The rules of key rotation, once for the API and the sweeper: which keys rotate, the period's
// bounds, the on-demand quota, and how a new material and the automatic schedule change a key's
// record. They are checked on the catalog's copy before any material is generated, and again on
// the newest record when the rotation commits (another process may have changed the key).

import { KmsError } from '../errors/kms-error';
import type { KeyMaterial, KeyMetadataRecord, KeyRotation } from './key-record';

/** EnableKeyRotation's RotationPeriodInDays bounds and default (AWS's). */
export const ROTATION_PERIOD_DAYS = { min: 90, max: 2560, default: 365 } as const;

/** AWS allows this many on-demand rotations per key, ever. */
export const ON_DEMAND_ROTATION_LIMIT = 25;

const DAY_SECONDS = 86_400;

export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

/** An automatic rotation found not due any more (another process did it): nothing to report. */
export class RotationNotDue extends Error {}

/** Whether the key's material can rotate at all: customer-made SYMMETRIC_DEFAULT keys only. */
export function rotates(record: KeyMetadataRecord): boolean {
  return (
    record.keySpec === 'SYMMETRIC_DEFAULT' &&
    record.keyUsage === 'ENCRYPT_DECRYPT' &&
    record.origin === 'AWS_KMS' &&
    record.materials !== undefined
  );
}

/** UnsupportedOperationException for keys whose material does not rotate. */
export function assertRotates(record: KeyMetadataRecord): void {
  if (!rotates(record)) {
    throw new KmsError(
      'UnsupportedOperationException',
      'You cannot perform this operation on a non-symmetric key or a key with non-ENCRYPT_DECRYPT key usage.',
    );
  }
}

/** DisabledException / KMSInvalidStateException: rotation settings change on enabled keys only. */
export function assertEnabled(record: KeyMetadataRecord, arn: string): void {
  if (record.state === 'Disabled') throw new KmsError('DisabledException', `${arn} is disabled.`);
  if (record.state === 'PendingDeletion')
    throw new KmsError('KMSInvalidStateException', `${arn} is pending deletion.`);
}

/** How many on-demand rotations the key has had. */
export const onDemandRotations = (record: KeyMetadataRecord): number =>
  (record.materials ?? []).filter((m) => m.origin === 'ON_DEMAND').length;

export function assertOnDemandQuota(record: KeyMetadataRecord, arn: string): void {
  if (onDemandRotations(record) >= ON_DEMAND_ROTATION_LIMIT) {
    throw new KmsError(
      'LimitExceededException',
      `${arn} has had its ${ON_DEMAND_ROTATION_LIMIT} on-demand rotations; its material can still rotate automatically (EnableKeyRotation).`,
    );
  }
}

/**
 * The automatic schedule EnableKeyRotation sets. Turning it on starts a period from `now`;
 * changing the period of a schedule that is on keeps the start of the current period.
 */
export function scheduleRotation(
  record: KeyMetadataRecord,
  periodDays: number,
  now: number,
): KeyRotation {
  const current = record.rotation;
  const start = current ? current.nextRotationDate - current.periodDays * DAY_SECONDS : now;
  if (current?.periodDays === periodDays) return current;
  return { periodDays, nextRotationDate: start + periodDays * DAY_SECONDS };
}

/** Whether the sweeper should rotate this key now (a disabled key waits until enabled again). */
export function isRotationDue(record: KeyMetadataRecord, now: number): boolean {
  return (
    record.state === 'Enabled' &&
    record.rotation !== undefined &&
    record.rotation.nextRotationDate <= now &&
    rotates(record)
  );
}

/**
 * The key's record with `material` appended as its newest, after the checks of its kind. An
 * automatic rotation also starts the next period: from now, as AWS does (a key enabled again
 * after its date passed is rotated at once, and every period from then on).
 */
export function withNewMaterial(
  record: KeyMetadataRecord,
  material: KeyMaterial & { origin: RotationType },
  now: number,
  arn: string,
): KeyMetadataRecord {
  assertRotates(record);
  if (material.origin === 'AUTOMATIC') {
    if (!isRotationDue(record, now)) throw new RotationNotDue(`${arn} is not due for rotation`);
  } else {
    assertEnabled(record, arn);
    assertOnDemandQuota(record, arn);
  }
  const materials = [...(record.materials ?? []), material];
  const rotation = record.rotation;
  if (material.origin !== 'AUTOMATIC' || !rotation) return { ...record, materials };
  return {
    ...record,
    materials,
    rotation: { ...rotation, nextRotationDate: now + rotation.periodDays * DAY_SECONDS },
  };
}
