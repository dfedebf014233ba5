// What a daemon says its key metadata is, read through the public API only (ListKeys,
// DescribeKey, ListResourceTags, ListAliases, every page), and how a register of
// metadata-history.ts reads in it.

import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  type AliasListEntry,
} from '@aws-sdk/client-kms';
import { ABSENT, tagValue, type Register } from './metadata-history';

export interface KeyView {
  readonly keyId: string;
  readonly description: string;
  readonly state: string;
  readonly keySpec: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Snapshot {
  readonly keys: Map<string, KeyView>;
  /** Alias name → every key id ListAliases gave for it (more than one is a defect). */
  readonly aliases: Map<string, string[]>;
}

/** Every alias ListAliases lists, all pages, in listing order. */
export async function listAllAliases(kms: KMSClient): Promise<AliasListEntry[]> {
  const out: AliasListEntry[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await kms.send(new ListAliasesCommand({ Limit: 100, Marker: marker }));
    out.push(...(res.Aliases ?? []));
    if (!res.Truncated || !res.NextMarker) return out;
    marker = res.NextMarker;
  }
  throw new Error('ListAliases did not end after 1000 pages');
}

/** Alias names listed more than once, with the keys each listing named. */
export function duplicateAliases(listing: readonly AliasListEntry[]): string[] {
  const seen = new Map<string, string[]>();
  for (const a of listing) {
    const name = a.AliasName ?? '';
    seen.set(name, [...(seen.get(name) ?? []), a.TargetKeyId ?? '?']);
  }
  return [...seen]
    .filter(([, keys]) => keys.length > 1)
    .map(([name, keys]) => `${name} -> ${keys.join(', ')}`);
}

export async function listAllKeyIds(kms: KMSClient): Promise<string[]> {
  const out: string[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = await kms.send(new ListKeysCommand({ Limit: 1000, Marker: marker }));
    out.push(...(res.Keys ?? []).map((k) => k.KeyId ?? '?'));
    if (!res.Truncated || !res.NextMarker) return out;
    marker = res.NextMarker;
  }
  throw new Error('ListKeys did not end after 1000 pages');
}

async function allTags(kms: KMSClient, keyId: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await kms.send(
      new ListResourceTagsCommand({ KeyId: keyId, Limit: 50, Marker: marker }),
    );
    for (const t of res.Tags ?? []) tags[t.TagKey ?? '?'] = t.TagValue ?? '';
    if (!res.Truncated || !res.NextMarker) return tags;
    marker = res.NextMarker;
  }
  throw new Error('ListResourceTags did not end after 100 pages');
}

/**
 * Reads every key and alias. With `reads` = 2 every request is sent twice in a row, each on a
 * new connection: a cluster's primary hands them to its two workers in turn, so the first
 * snapshot returned is what one worker says and the second what the other says.
 */
export async function readSnapshots(kms: KMSClient, reads = 1): Promise<Snapshot[]> {
  const twice = async <T>(request: () => Promise<T>): Promise<T[]> => {
    const out: T[] = [];
    for (let i = 0; i < reads; i++) out.push(await request());
    return out;
  };
  const snapshots: Snapshot[] = Array.from({ length: reads }, () => ({
    keys: new Map<string, KeyView>(),
    aliases: new Map<string, string[]>(),
  }));
  const keyLists = await twice(() => listAllKeyIds(kms));
  const keyIds = [...new Set(keyLists.flat())].sort();
  for (const keyId of keyIds) {
    const described = await twice(() =>
      kms
        .send(new DescribeKeyCommand({ KeyId: keyId }))
        .then((r) => r.KeyMetadata)
        .catch(() => undefined),
    );
    const tags = await twice(() => allTags(kms, keyId).catch(() => undefined));
    described.forEach((meta, i) => {
      if (!meta || !keyLists[i]?.includes(keyId)) return;
      snapshots[i]?.keys.set(keyId, {
        keyId,
        description: meta.Description ?? '',
        state: meta.KeyState ?? '?',
        keySpec: meta.KeySpec ?? '?',
        tags: tags[i] ?? {},
      });
    });
  }
  const listings = await twice(() => listAllAliases(kms));
  listings.forEach((listing, i) => {
    for (const a of listing) {
      const name = a.AliasName ?? '';
      const aliases = snapshots[i]?.aliases;
      aliases?.set(name, [...(aliases.get(name) ?? []), a.TargetKeyId ?? '?']);
    }
  });
  return snapshots;
}

/** A canonical text of a snapshot, to compare what two daemons (or workers) say. */
export function canonical(s: Snapshot): string {
  const keys = [...s.keys.values()]
    .sort((a, b) => (a.keyId < b.keyId ? -1 : 1))
    .map((k) => ({ ...k, tags: Object.entries(k.tags).sort() }));
  const aliases = [...s.aliases].sort();
  return JSON.stringify({ keys, aliases });
}

/** Where two snapshots differ, a few lines at most. */
export function differences(a: Snapshot, b: Snapshot, names: [string, string]): string[] {
  const out: string[] = [];
  const ids = new Set([...a.keys.keys(), ...b.keys.keys()]);
  for (const id of ids) {
    const x = JSON.stringify(a.keys.get(id) ?? null);
    const y = JSON.stringify(b.keys.get(id) ?? null);
    if (x !== y) out.push(`key ${id}: ${names[0]} ${x} / ${names[1]} ${y}`);
  }
  const aliasNames = new Set([...a.aliases.keys(), ...b.aliases.keys()]);
  for (const n of aliasNames) {
    const x = (a.aliases.get(n) ?? []).join('+') || ABSENT;
    const y = (b.aliases.get(n) ?? []).join('+') || ABSENT;
    if (x !== y) out.push(`alias ${n}: ${names[0]} ${x} / ${names[1]} ${y}`);
  }
  return out.slice(0, 20);
}

export const NO_SUCH_KEY = '(no such key)';

/** The value of a history register in a snapshot. */
export function observe(s: Snapshot, register: Register): string {
  const [kind, first, second] = register.split(' ');
  if (kind === 'alias') {
    const keys = s.aliases.get(first ?? '') ?? [];
    if (keys.length === 0) return ABSENT;
    return keys.length === 1
      ? (keys[0] as string)
      : `(names ${keys.length} keys: ${keys.join(', ')})`;
  }
  const key = s.keys.get(first ?? '');
  if (!key) return NO_SUCH_KEY;
  if (kind === 'desc') return key.description;
  if (kind === 'state') return key.state;
  if (kind === 'tag') {
    const value = key.tags[second ?? ''];
    return value === undefined ? ABSENT : tagValue(value);
  }
  throw new Error(`unknown register ${register}`);
}
