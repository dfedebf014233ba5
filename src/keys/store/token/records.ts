// The CKO_DATA objects of the token store (CKA_APPLICATION "qkms"), one record per object:
//   qkms-key/<key id>        a key's metadata               {format 2, revision, record}
//   qkms-alias/<name>        an alias, or its tombstone     {format 2, revision, alias | null}
//   qkms-intent/<key id>     a key generation in progress   {format 2, owner, time}
//   qkms-generation          the change counter readers poll (record-writer.ts)
//   qkms-secret/<purpose>    a random secret every process of the token shares (paging markers)
// SoftHSM makes CKA_VALUE read-only, so a new revision is a new object and the old one is then
// destroyed; after a crash in between both exist and readers keep the higher revision.
// Objects written by QKMS before this layout (format 1: "qkms-key/<id>/<rev>.<nonce>", aliases
// inside the key record) are still read, and converted in place by a writable process.

import type { AliasRecord, KeyMetadataRecord } from '../../key-record';
import { isAliasName, isKeyId, parseAliasRecord, parseKeyRecord } from '../record-validation';

export const METADATA_APPLICATION = 'qkms';
export const GENERATION_LABEL = 'qkms-generation';
const FORMAT = 2;

/** Who started a key generation: enough to tell, on this host, whether it is still alive. */
export interface IntentOwner {
  readonly host: string;
  readonly pid: number;
  /** The process's start time (/proc/<pid>/stat field 22), so a reused pid is not mistaken for it. */
  readonly started: string;
  /** The store instance within the process. */
  readonly instance: string;
}

export interface GenerationRecord {
  readonly generation: number;
  /** True between a writer's first and last object write: readers wait for the end. */
  readonly writing: boolean;
  readonly host: string;
  readonly pid: number;
  /** Epoch seconds. */
  readonly time: number;
}

export type StoredObject =
  | { readonly kind: 'key'; readonly revision: number; readonly record: KeyMetadataRecord }
  | {
      readonly kind: 'alias';
      readonly name: string;
      readonly revision: number;
      /** null: a tombstone, hiding an alias the config file declares. */
      readonly alias: AliasRecord | null;
    }
  | {
      readonly kind: 'intent';
      readonly keyId: string;
      readonly owner: IntentOwner;
      readonly time: number;
    }
  | { readonly kind: 'generation'; readonly generation: GenerationRecord }
  | {
      readonly kind: 'legacy';
      readonly revision: number;
      readonly record: KeyMetadataRecord;
      readonly aliases: readonly { readonly name: string; readonly creationDate: number }[];
    }
  | { readonly kind: 'secret'; readonly purpose: string; readonly value: Buffer }
  | { readonly kind: 'unknown' };

export const keyLabel = (keyId: string): string => `qkms-key/${keyId}`;
export const aliasLabel = (name: string): string => `qkms-${name}`;
export const intentLabel = (keyId: string): string => `qkms-intent/${keyId}`;
export const secretLabel = (purpose: string): string => `qkms-secret/${purpose}`;

const LEGACY_LABEL = /^qkms-key\/([0-9a-f-]{36})\/(\d+)(?:\.[0-9a-f]{8})?$/;

const encode = (body: Record<string, unknown>): Uint8Array =>
  Buffer.from(JSON.stringify({ format: FORMAT, ...body }), 'utf8');

export const encodeKey = (record: KeyMetadataRecord, revision: number): Uint8Array =>
  encode({ revision, record });

export const encodeAlias = (name: string, alias: AliasRecord | null, revision: number) =>
  encode({ name, revision, alias });

export const encodeIntent = (keyId: string, owner: IntentOwner, time: number): Uint8Array =>
  encode({ keyId, owner, time });

export const encodeGeneration = (generation: GenerationRecord): Uint8Array =>
  encode({ generation });

export const encodeSecret = (purpose: string, value: Buffer): Uint8Array =>
  encode({ purpose, secret: value.toString('base64') });

function parseJson(value: Uint8Array): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const isRevision = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function parseOwner(value: unknown): IntentOwner | null {
  if (typeof value !== 'object' || value === null) return null;
  const { host, pid, started, instance } = value as Record<string, unknown>;
  return typeof host === 'string' &&
    Number.isSafeInteger(pid) &&
    typeof started === 'string' &&
    typeof instance === 'string'
    ? { host, pid: pid as number, started, instance }
    : null;
}

function parseGeneration(value: unknown): GenerationRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { generation, writing, host, pid, time } = value as Record<string, unknown>;
  if (!isRevision(generation) || typeof writing !== 'boolean') return null;
  return {
    generation,
    writing,
    host: typeof host === 'string' ? host : '',
    pid: Number.isSafeInteger(pid) ? (pid as number) : 0,
    time: typeof time === 'number' ? time : 0,
  };
}

/** Reads one object of the store; anything it does not recognise is `unknown` and left alone. */
export function decodeObject(label: string, value: Uint8Array): StoredObject {
  const body = parseJson(value);
  if (!body) return { kind: 'unknown' };
  if (body.format === 1) return decodeLegacy(label, body);
  if (body.format !== FORMAT) return { kind: 'unknown' };
  if (label === GENERATION_LABEL) {
    const generation = parseGeneration(body.generation);
    return generation ? { kind: 'generation', generation } : { kind: 'unknown' };
  }
  if (label.startsWith('qkms-key/')) {
    const record = parseKeyRecord(body.record);
    return record && isRevision(body.revision) && keyLabel(record.keyId) === label
      ? { kind: 'key', revision: body.revision, record }
      : { kind: 'unknown' };
  }
  if (label.startsWith('qkms-alias/')) {
    const name = body.name;
    if (!isAliasName(name) || aliasLabel(name) !== label || !isRevision(body.revision))
      return { kind: 'unknown' };
    const alias = body.alias === null ? null : parseAliasRecord(body.alias);
    if (alias !== null && alias.name !== name) return { kind: 'unknown' };
    return body.alias === null || alias
      ? { kind: 'alias', name, revision: body.revision, alias }
      : { kind: 'unknown' };
  }
  if (label.startsWith('qkms-secret/')) {
    const { purpose, secret } = body;
    return typeof purpose === 'string' &&
      secretLabel(purpose) === label &&
      typeof secret === 'string'
      ? { kind: 'secret', purpose, value: Buffer.from(secret, 'base64') }
      : { kind: 'unknown' };
  }
  if (label.startsWith('qkms-intent/')) {
    const owner = parseOwner(body.owner);
    return isKeyId(body.keyId) && intentLabel(body.keyId) === label && owner
      ? { kind: 'intent', keyId: body.keyId, owner, time: Number(body.time) || 0 }
      : { kind: 'unknown' };
  }
  return { kind: 'unknown' };
}

/** A record written before aliases had records of their own. */
function decodeLegacy(label: string, body: Record<string, unknown>): StoredObject {
  const m = LEGACY_LABEL.exec(label);
  const record = parseKeyRecord(body);
  if (!m || !record || record.keyId !== m[1] || !Array.isArray(body.aliases)) {
    return { kind: 'unknown' };
  }
  const aliases: { name: string; creationDate: number }[] = [];
  for (const a of body.aliases as unknown[]) {
    const { name, creationDate } = (a ?? {}) as Record<string, unknown>;
    if (!isAliasName(name) || typeof creationDate !== 'number') return { kind: 'unknown' };
    aliases.push({ name, creationDate });
  }
  return { kind: 'legacy', revision: Number(m[2]), record, aliases };
}
