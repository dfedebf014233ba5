// The CKO_DATA form of key metadata. SoftHSM makes CKA_VALUE read-only, so an update writes a
// new revision (label "qkms-key/<id>/<rev>.<nonce>") and then removes the old one by its exact
// label; a reader keeps the highest revision (ties: the highest label, the same choice on every
// replica), so a crash between the two steps loses nothing. The nonce keeps two replicas that
// write the same revision at once from sharing a label, which a later clean-up would delete twice.

import { randomBytes } from 'node:crypto';
import { isKeySpec } from '../crypto/key-specs';
import type { KeyLocator } from '../pkcs11/token-api';
import type { KeyMetadataRecord } from './key-record';

export const METADATA_APPLICATION = 'qkms';
const LABEL = /^qkms-key\/([0-9a-f-]{36})\/(\d+)(?:\.[0-9a-f]{8})?$/;

export function metadataLabel(
  keyId: string,
  revision: number,
  nonce = randomBytes(4).toString('hex'),
): string {
  return `qkms-key/${keyId}/${revision}.${nonce}`;
}

export function parseMetadataLabel(label: string): { keyId: string; revision: number } | null {
  const m = LABEL.exec(label);
  return m ? { keyId: m[1] as string, revision: Number(m[2]) } : null;
}

export function encodeMetadata(record: KeyMetadataRecord): Uint8Array {
  return Buffer.from(JSON.stringify({ format: 1, ...record }), 'utf8');
}

const STATES: readonly string[] = ['Enabled', 'Disabled', 'PendingDeletion'];
const USAGES: readonly string[] = ['SIGN_VERIFY', 'GENERATE_VERIFY_MAC'];
const ORIGINS: readonly string[] = ['AWS_KMS', 'EXTERNAL'];

/** A locator must name the objects: an empty one would match every key pair in the token. */
function isLocator(value: unknown): value is KeyLocator {
  if (typeof value !== 'object' || value === null) return false;
  const { idHex, label } = value as Record<string, unknown>;
  const idOk = idHex === undefined || (typeof idHex === 'string' && /^([0-9a-f]{2})+$/.test(idHex));
  const labelOk = label === undefined || (typeof label === 'string' && label !== '');
  return idOk && labelOk && (idHex !== undefined || label !== undefined);
}

function isTag(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { TagKey, TagValue } = value as Record<string, unknown>;
  return typeof TagKey === 'string' && typeof TagValue === 'string';
}

function isAlias(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { name, creationDate } = value as Record<string, unknown>;
  return typeof name === 'string' && name.startsWith('alias/') && typeof creationDate === 'number';
}

/** Decodes a stored record, or null if it is not one this version understands. */
export function decodeMetadata(value: Uint8Array): KeyMetadataRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const r = parsed as Partial<KeyMetadataRecord> & { format?: unknown };
  if (
    r.format !== 1 ||
    typeof r.keyId !== 'string' ||
    typeof r.keySpec !== 'string' ||
    !isKeySpec(r.keySpec)
  ) {
    return null;
  }
  if (
    typeof r.creationDate !== 'number' ||
    (r.deletionDate !== undefined && typeof r.deletionDate !== 'number') ||
    typeof r.description !== 'string' ||
    !isLocator(r.locator) ||
    !Array.isArray(r.aliases) ||
    !r.aliases.every(isAlias) ||
    (r.tags !== undefined && (!Array.isArray(r.tags) || !r.tags.every(isTag))) ||
    !STATES.includes(r.state as string) ||
    !USAGES.includes(r.keyUsage as string) ||
    !ORIGINS.includes(r.origin as string)
  )
    return null;
  const { format: _format, ...record } = r;
  return { ...record, tags: r.tags ?? [] } as KeyMetadataRecord;
}
