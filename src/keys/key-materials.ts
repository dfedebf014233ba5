// The token objects of a key's material versions. A SYMMETRIC_DEFAULT key's first material is
// the key's own object (its locator); each rotation adds an AES object whose CKA_ID is the 16
// bytes of its material id and whose CKA_LABEL is that id (key-store.ts rotate). Deleting a key
// destroys all of them, and a material id in any record counts as recorded (crash repair and
// orphan listings must never take a live material for debris).

import type { KeyLocator } from '../pkcs11/token-api';
import type { KeyMaterial, KeyMetadataRecord } from './key-record';
import { keyIdBytesHex } from './key-reference';

/** Where one material's AES object is. */
export function materialObject(record: KeyMetadataRecord, material: KeyMaterial): KeyLocator {
  return material.materialId === record.keyId
    ? record.locator
    : { idHex: keyIdBytesHex(material.materialId) };
}

/**
 * Every object of the key: materials added by rotation, newest first, then the key's own. A
 * deletion interrupted part-way leaves the key's own object (and its record) for the next sweep.
 */
export function keyObjects(record: KeyMetadataRecord): KeyLocator[] {
  const added = (record.materials ?? [])
    .filter((m) => m.materialId !== record.keyId)
    .map((m) => materialObject(record, m))
    .reverse();
  return [...added, record.locator];
}

/** Whether `id` is a key id or a material id that one of `records` holds. */
export function isRecorded(records: Iterable<KeyMetadataRecord>, id: string): boolean {
  for (const record of records) {
    if (record.keyId === id) return true;
    if (record.materials?.some((m) => m.materialId === id)) return true;
  }
  return false;
}

/** Destroys every object of `record` with `destroy`, in keyObjects' order. */
export async function destroyKeyObjects(
  record: KeyMetadataRecord,
  destroy: (locator: KeyLocator) => Promise<void>,
): Promise<void> {
  for (const locator of keyObjects(record)) await destroy(locator);
}
