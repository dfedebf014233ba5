// Checks a stored key or alias record read back from storage: whatever a store holds is parsed
// as untrusted input, so a damaged or foreign object is skipped instead of served.

import { isKeySpec, KEY_USAGES } from '../../crypto/key-specs';
import type { KeyLocator } from '../../pkcs11/token-api';
import type { AliasRecord, KeyMaterial, KeyMetadataRecord, KeyRotation } from '../key-record';

const STATES: readonly string[] = ['Enabled', 'Disabled', 'PendingDeletion'];
const USAGES: readonly string[] = KEY_USAGES;
const MATERIAL_ORIGINS: readonly string[] = ['CREATE', 'AUTOMATIC', 'ON_DEMAND'];
const ORIGINS: readonly string[] = ['AWS_KMS', 'EXTERNAL'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isKeyId = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);

/** A locator must name the objects: an empty one would match every key pair in the token. */
export function isLocator(value: unknown): value is KeyLocator {
  if (!isObject(value)) return false;
  const { idHex, label } = value;
  const idOk = idHex === undefined || (typeof idHex === 'string' && /^([0-9a-f]{2})+$/.test(idHex));
  const labelOk = label === undefined || (typeof label === 'string' && label !== '');
  return idOk && labelOk && (idHex !== undefined || label !== undefined);
}

function isTag(value: unknown): boolean {
  return isObject(value) && typeof value.TagKey === 'string' && typeof value.TagValue === 'string';
}

const isEpoch = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** A symmetric key's material list: at least one, each id a UUID seen once. */
function parseMaterials(value: unknown): KeyMaterial[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const out: KeyMaterial[] = [];
  for (const m of value as unknown[]) {
    if (!isObject(m) || !isKeyId(m.materialId) || !isEpoch(m.created)) return null;
    if (!MATERIAL_ORIGINS.includes(m.origin as string)) return null;
    if (out.some((seen) => seen.materialId === m.materialId)) return null;
    out.push({
      materialId: m.materialId,
      created: m.created,
      origin: m.origin as KeyMaterial['origin'],
    });
  }
  return out;
}

function parseRotation(value: unknown): KeyRotation | null {
  if (!isObject(value) || !isEpoch(value.nextRotationDate)) return null;
  const { periodDays } = value;
  if (typeof periodDays !== 'number' || !Number.isInteger(periodDays) || periodDays <= 0)
    return null;
  return { periodDays, nextRotationDate: value.nextRotationDate };
}

/** The key record inside `value`, or null when it is not a valid one. */
export function parseKeyRecord(value: unknown): KeyMetadataRecord | null {
  if (!isObject(value)) return null;
  const r = value;
  if (
    !isKeyId(r.keyId) ||
    typeof r.keySpec !== 'string' ||
    !isKeySpec(r.keySpec) ||
    !isEpoch(r.creationDate) ||
    (r.deletionDate !== undefined && !isEpoch(r.deletionDate)) ||
    typeof r.description !== 'string' ||
    !isLocator(r.locator) ||
    (r.tags !== undefined && (!Array.isArray(r.tags) || !r.tags.every(isTag))) ||
    !STATES.includes(r.state as string) ||
    !USAGES.includes(r.keyUsage as string) ||
    !ORIGINS.includes(r.origin as string)
  )
    return null;
  // Symmetric keys cannot decrypt without their material list; no other key has one.
  const symmetric = r.keySpec === 'SYMMETRIC_DEFAULT';
  const materials = symmetric ? parseMaterials(r.materials) : null;
  if (symmetric !== (materials !== null) || (!symmetric && r.materials !== undefined)) return null;
  const rotation = r.rotation === undefined ? undefined : parseRotation(r.rotation);
  if (rotation === null || (rotation && !symmetric)) return null;
  const locator = r.locator;
  return {
    keyId: r.keyId,
    keySpec: r.keySpec,
    keyUsage: r.keyUsage as KeyMetadataRecord['keyUsage'],
    description: r.description,
    state: r.state as KeyMetadataRecord['state'],
    creationDate: r.creationDate,
    ...(r.deletionDate === undefined ? {} : { deletionDate: r.deletionDate }),
    origin: r.origin as KeyMetadataRecord['origin'],
    tags: ((r.tags ?? []) as { TagKey: string; TagValue: string }[]).map((t) => ({
      TagKey: t.TagKey,
      TagValue: t.TagValue,
    })),
    locator: {
      ...(locator.idHex === undefined ? {} : { idHex: locator.idHex }),
      ...(locator.label === undefined ? {} : { label: locator.label }),
    },
    ...(materials ? { materials } : {}),
    ...(rotation ? { rotation } : {}),
  };
}

export const isAliasName = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith('alias/') && value.length > 'alias/'.length;

/** The alias record inside `value`, or null when it is not a valid one. */
export function parseAliasRecord(value: unknown): AliasRecord | null {
  if (!isObject(value)) return null;
  const { name, keyId, creationDate, lastUpdatedDate } = value;
  if (!isAliasName(name) || !isKeyId(keyId) || !isEpoch(creationDate)) return null;
  return {
    name,
    keyId,
    creationDate,
    lastUpdatedDate: isEpoch(lastUpdatedDate) ? lastUpdatedDate : creationDate,
  };
}
