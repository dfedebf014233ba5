// This process's copy of the token store's objects, by handle. A sync is one search for every
// object of the store plus a read of the handles not seen before: its cost is one search and
// the changed objects, not the number of keys. From the objects it derives the state: the
// newest revision of each key and alias, with format-1 records (aliases inside the key record)
// read as if they were converted.

import type { AliasRecord, KeyMetadataRecord } from '../../key-record';
import type { ChangedNames } from '../metadata-store';
import type { MetadataState } from '../metadata-view';
import type { DataObject } from '../../../pkcs11/token-api';
import {
  GENERATION_LABEL,
  decodeObject,
  type GenerationRecord,
  type StoredObject,
} from './records';

interface Known {
  readonly label: string;
  readonly object: StoredObject;
  /** Breaks revision ties the same way in every process (handles differ between processes). */
  readonly tieBreak: string;
}

type Versioned = { readonly revision: number };

const latin1 = (value: Uint8Array): string => Buffer.from(value).toString('latin1');

const newer = (a: Known & { object: Versioned }, b: Known & { object: Versioned }): boolean =>
  a.object.revision > b.object.revision ||
  (a.object.revision === b.object.revision && a.tieBreak > b.tieBreak);

export class RecordSet {
  private readonly known = new Map<string, Known>();
  private readonly byLabel = new Map<string, Set<string>>();
  private derived: MetadataState = { keys: new Map(), aliases: new Map() };

  /** Handles of the objects labelled `label`. */
  handlesOf(label: string): string[] {
    return [...(this.byLabel.get(label) ?? [])];
  }

  /** Handles of the objects labelled `label`, lowest revision first. */
  handlesOldestFirst(label: string): string[] {
    const revision = (h: string): number => {
      const o = this.known.get(h)?.object;
      return o && 'revision' in o ? o.revision : 0;
    };
    return this.handlesOf(label).sort((a, b) => revision(a) - revision(b));
  }

  /** Every known object of one kind, with its handle. */
  objectsOf<K extends StoredObject['kind']>(
    kind: K,
  ): { handle: string; label: string; object: Extract<StoredObject, { kind: K }> }[] {
    const out: { handle: string; label: string; object: Extract<StoredObject, { kind: K }> }[] = [];
    for (const [handle, k] of this.known) {
      if (k.object.kind === kind)
        out.push({
          handle,
          label: k.label,
          object: k.object as Extract<StoredObject, { kind: K }>,
        });
    }
    return out;
  }

  /** The newest generation record and the handles of every generation object. */
  generation(): { value: GenerationRecord | null; handles: string[] } {
    let best: GenerationRecord | null = null;
    const handles = this.handlesOf(GENERATION_LABEL);
    for (const handle of handles) {
      const object = this.known.get(handle)?.object;
      if (object?.kind !== 'generation') continue;
      if (!best || object.generation.generation > best.generation) best = object.generation;
    }
    return { value: best, handles };
  }

  /** The highest revision of any record the set knows (a change is numbered above it). */
  maxRevision(): number {
    let max = 0;
    for (const { object } of this.known.values())
      if ('revision' in object && object.revision > max) max = object.revision;
    return max;
  }

  knows(handle: string): boolean {
    return this.known.has(handle);
  }

  /**
   * Whether `object`, read by a handle the set knows, is still the object the set knows by it:
   * a token may give a destroyed object's handle to a new one.
   */
  matches(object: DataObject): boolean {
    const known = this.known.get(object.handle);
    return (
      known !== undefined && known.label === object.label && known.tieBreak === latin1(object.value)
    );
  }

  add(object: DataObject): void {
    this.forget(object.handle);
    let handles = this.byLabel.get(object.label);
    if (!handles) this.byLabel.set(object.label, (handles = new Set()));
    handles.add(object.handle);
    this.known.set(object.handle, {
      label: object.label,
      object: decodeObject(object.label, object.value),
      tieBreak: latin1(object.value),
    });
  }

  remove(handles: readonly string[]): void {
    for (const handle of handles) this.forget(handle);
  }

  private forget(handle: string): void {
    const k = this.known.get(handle);
    if (!k) return;
    this.known.delete(handle);
    const handles = this.byLabel.get(k.label);
    handles?.delete(handle);
    if (handles?.size === 0) this.byLabel.delete(k.label);
  }

  /**
   * Brings the set in line with a search that found `present`: forgets what is gone and reads
   * what is new. Returns false when an object vanished between the search and the read (a
   * writer elsewhere was replacing it): the caller searches again.
   */
  async sync(
    present: readonly string[],
    read: (handles: readonly string[]) => Promise<(DataObject | null)[]>,
  ): Promise<boolean> {
    const fresh = present.filter((h) => !this.known.has(h));
    const objects = await read(fresh);
    if (objects.some((o) => o === null)) return false;
    const keep = new Set(present);
    for (const handle of [...this.known.keys()]) if (!keep.has(handle)) this.forget(handle);
    for (const object of objects) this.add(object as DataObject);
    return true;
  }

  /** Clears everything: handles from an earlier login mean nothing now. */
  clear(): void {
    this.known.clear();
    this.byLabel.clear();
  }

  state(): MetadataState {
    return this.derived;
  }

  /** Recomputes the state from the objects; returns what changed since the last call. */
  derive(): ChangedNames {
    const keys = new Map<string, Known & { object: Versioned & { record: KeyMetadataRecord } }>();
    const legacy = new Map<string, Known & { object: Extract<StoredObject, { kind: 'legacy' }> }>();
    const aliases = new Map<string, Known & { object: Extract<StoredObject, { kind: 'alias' }> }>();
    for (const k of this.known.values()) {
      const o = k.object;
      if (o.kind === 'key') pick(keys, o.record.keyId, { ...k, object: o });
      else if (o.kind === 'legacy') pick(legacy, o.record.keyId, { ...k, object: o });
      else if (o.kind === 'alias') pick(aliases, o.name, { ...k, object: o });
    }
    const nextKeys = new Map<string, KeyMetadataRecord>();
    for (const [keyId, k] of keys) nextKeys.set(keyId, k.object.record);
    const nextAliases = new Map<string, AliasRecord | null>();
    for (const [name, a] of aliases) nextAliases.set(name, a.object.alias);
    for (const [keyId, k] of legacy) if (!nextKeys.has(keyId)) nextKeys.set(keyId, k.object.record);
    for (const alias of legacyAliases(legacy, nextKeys, keys)) {
      if (!nextAliases.has(alias.name)) nextAliases.set(alias.name, alias);
    }
    const changed = diff(this.derived, { keys: nextKeys, aliases: nextAliases });
    this.derived = { keys: nextKeys, aliases: nextAliases };
    return changed;
  }
}

function pick<T extends Known & { object: Versioned }>(
  map: Map<string, T>,
  name: string,
  k: T,
): void {
  const current = map.get(name);
  if (!current || newer(k, current)) map.set(name, k);
}

/**
 * The aliases format-1 records carry, for keys not yet converted. A bug of that format let one
 * name sit on two keys; the newer alias wins (then the smaller key id), the same in every process.
 */
function legacyAliases(
  legacy: Map<string, { object: Extract<StoredObject, { kind: 'legacy' }> }>,
  keys: Map<string, KeyMetadataRecord>,
  converted: Map<string, unknown>,
): AliasRecord[] {
  const chosen = new Map<string, AliasRecord>();
  for (const [keyId, { object }] of legacy) {
    if (converted.has(keyId) || !keys.has(keyId)) continue;
    for (const { name, creationDate } of object.aliases) {
      const other = chosen.get(name);
      const wins =
        !other ||
        creationDate > other.creationDate ||
        (creationDate === other.creationDate && keyId < other.keyId);
      if (wins) chosen.set(name, { name, keyId, creationDate, lastUpdatedDate: creationDate });
    }
  }
  return [...chosen.values()];
}

function diff(before: MetadataState, after: MetadataState): ChangedNames {
  const changedKeys: string[] = [];
  const changedAliases: string[] = [];
  for (const [id, record] of after.keys) if (before.keys.get(id) !== record) changedKeys.push(id);
  for (const id of before.keys.keys()) if (!after.keys.has(id)) changedKeys.push(id);
  for (const [name, alias] of after.aliases) {
    if (!before.aliases.has(name) || before.aliases.get(name) !== alias) changedAliases.push(name);
  }
  for (const name of before.aliases.keys()) if (!after.aliases.has(name)) changedAliases.push(name);
  return { keys: changedKeys, aliases: changedAliases };
}
