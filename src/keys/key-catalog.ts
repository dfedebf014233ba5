// The key catalog: every key this gateway serves, from the token's metadata objects and from the
// config file's adopted keys, cached in memory and refreshed every `metadata.refreshSeconds`.
// Request handlers only read this cache; they never search the token. Writes go through
// KeyStore, which installs what it wrote here at once.

import { KEY_SPEC_TABLE, keySpecForCurve, type KeySpec } from '../crypto/key-specs';
import { keyShape, nodePublicKey, spkiDer, type PublicKeyMaterial } from '../crypto/public-key';
import { KmsError } from '../errors/kms-error';
import type { AdoptedKeyConfig } from '../config/schema';
import type { KeyInfo, TokenApi } from '../pkcs11/token-api';
import { aliasArn, keyArn, type ArnScope } from './arns';
import type { AsymmetricKey, KeyEntry, KeyMetadataRecord } from './key-record';
import { parseKeyReference } from './key-reference';
import { METADATA_APPLICATION, decodeMetadata, parseMetadataLabel } from './metadata-codec';

export interface AliasEntry {
  readonly name: string;
  readonly arn: string;
  readonly keyId: string;
  readonly creationDate: number;
}

export interface CatalogOptions {
  readonly scope: ArnScope;
  readonly adopted: readonly AdoptedKeyConfig[];
  readonly readOnly: boolean;
}

/** The key spec of a key found in the token, if KMS has a name for it (HMAC keys need a record). */
export function inferKeySpec(material: PublicKeyMaterial | null): KeySpec | undefined {
  if (!material) return undefined;
  if (material.kind === 'rsa') {
    const bits = keyShape(material).sizeBytes * 8;
    return (['RSA_2048', 'RSA_3072', 'RSA_4096'] as const).find((s) => {
      const gen = KEY_SPEC_TABLE[s].generation;
      return gen.kind === 'rsa' && gen.bits === bits;
    });
  }
  return keySpecForCurve(material.curveOidDer);
}

/** Plain code-unit order: the order paging's marker comparison (`>`) assumes. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface StoredRecord {
  readonly record: KeyMetadataRecord;
  readonly revision: number;
  readonly label: string | null;
}

export class KeyCatalog {
  private byId = new Map<string, KeyEntry>();
  private byAlias = new Map<string, KeyEntry[]>();
  /** Key material never changes, so what the token says about a key is read once. */
  private readonly keyInfo = new Map<string, KeyInfo>();
  /** Lower revisions seen at the last load: left behind by a crash between write and delete. */
  private stale: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private refreshing = false;

  constructor(
    private readonly token: TokenApi,
    readonly options: CatalogOptions,
  ) {}

  /** Reads the whole catalog from the token; start-up calls it, then the refresh timer. */
  async load(): Promise<{ problems: string[] }> {
    const problems: string[] = [];
    const records = new Map<string, { stored: StoredRecord; source: 'token' | 'config' }>();
    for (const stored of await this.readTokenRecords()) {
      records.set(stored.record.keyId, { stored, source: 'token' });
    }
    for (const adopted of this.options.adopted) {
      if (records.has(adopted.keyId)) continue; // Changed through the API since: the token's record wins.
      const record = await this.adoptedRecord(adopted, problems);
      if (record) {
        records.set(record.keyId, {
          stored: { record, revision: 0, label: null },
          source: 'config',
        });
      }
    }
    const byId = new Map<string, KeyEntry>();
    for (const { stored, source } of records.values()) {
      // A write made by this process while the load was reading is newer than what it read.
      const installed = this.byId.get(stored.record.keyId);
      if (installed && installed.revision > stored.revision) {
        byId.set(stored.record.keyId, installed);
        continue;
      }
      try {
        const entry = await this.entryFor(stored, source, problems);
        if (entry) byId.set(stored.record.keyId, entry);
      } catch (err) {
        // One unreadable key must not take the others down with it.
        problems.push(`key ${stored.record.keyId}: ${String(err)}`);
      }
    }
    this.install(byId);
    return { problems };
  }

  /** Re-reads the catalog every `seconds`; each round starts after the previous one finished. */
  startRefresh(seconds: number, afterLoad: (problems: string[]) => Promise<void> | void): void {
    this.refreshing = true;
    const round = () => {
      this.timer = setTimeout(() => {
        this.load()
          .then(({ problems }) => afterLoad(problems))
          .catch((err: unknown) => afterLoad([`metadata refresh failed: ${String(err)}`]))
          .finally(() => {
            if (this.refreshing) round();
          });
      }, seconds * 1000);
      this.timer.unref();
    };
    round();
  }

  stopRefresh(): void {
    this.refreshing = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Labels of superseded metadata revisions found at the last load, for KeyStore to remove. */
  takeStaleLabels(): string[] {
    const labels = this.stale;
    this.stale = [];
    return labels;
  }

  private install(byId: Map<string, KeyEntry>): void {
    const byAlias = new Map<string, KeyEntry[]>();
    for (const entry of byId.values()) {
      for (const alias of entry.record.aliases) {
        byAlias.set(alias.name, [...(byAlias.get(alias.name) ?? []), entry]);
      }
    }
    this.byId = byId;
    this.byAlias = byAlias;
  }

  private async readTokenRecords(): Promise<StoredRecord[]> {
    const newest = new Map<string, StoredRecord>();
    const stale: string[] = [];
    const newer = (a: { revision: number; label: string }, b: StoredRecord): boolean =>
      a.revision > b.revision || (a.revision === b.revision && a.label > (b.label ?? ''));
    for (const object of await this.token.listData(METADATA_APPLICATION)) {
      const name = parseMetadataLabel(object.label);
      const record = name && decodeMetadata(object.value);
      if (!name || !record || record.keyId !== name.keyId) continue;
      const candidate = { revision: name.revision, label: object.label, record };
      const current = newest.get(name.keyId);
      if (!current || newer(candidate, current)) {
        if (current?.label) stale.push(current.label);
        newest.set(name.keyId, candidate);
      } else {
        stale.push(object.label);
      }
    }
    this.stale = stale;
    return [...newest.values()];
  }

  private async infoOf(record: KeyMetadataRecord): Promise<KeyInfo | null> {
    const cached = this.keyInfo.get(record.keyId);
    if (cached) return cached;
    const info = await this.token.findKey(record.locator);
    if (info) this.keyInfo.set(record.keyId, info);
    return info;
  }

  private async adoptedRecord(
    adopted: AdoptedKeyConfig,
    problems: string[],
  ): Promise<KeyMetadataRecord | null> {
    const locator = {
      ...(adopted.idHex ? { idHex: adopted.idHex } : {}),
      ...(adopted.label ? { label: adopted.label } : {}),
    };
    const info = await this.token.findKey(locator);
    if (!info) {
      problems.push(
        `adopted key ${adopted.keyId}: no key with ${JSON.stringify(locator)} in the token`,
      );
      return null;
    }
    const keySpec = inferKeySpec(info.publicKey);
    if (!keySpec) {
      problems.push(
        `adopted key ${adopted.keyId}: its key type has no KMS key spec QKMS can infer`,
      );
      return null;
    }
    this.keyInfo.set(adopted.keyId, info);
    return adoptedMetadata(adopted.keyId, keySpec, locator, adopted);
  }

  private async entryFor(
    stored: StoredRecord,
    source: 'token' | 'config',
    problems: string[],
  ): Promise<KeyEntry | null> {
    const { record } = stored;
    const info = await this.infoOf(record);
    if (!info) {
      // A key whose deletion the sweeper finished elsewhere, or objects removed by an administrator.
      if (record.state !== 'PendingDeletion') {
        problems.push(
          `key ${record.keyId}: its metadata is in the token but its key objects are not`,
        );
      }
      return null;
    }
    return this.makeEntry(record, info, source, stored.revision, stored.label);
  }

  /** Builds a catalog entry; also used by KeyStore for keys it has just written. */
  makeEntry(
    record: KeyMetadataRecord,
    info: KeyInfo,
    source: 'token' | 'config',
    revision: number,
    label: string | null,
  ): KeyEntry {
    this.keyInfo.set(record.keyId, info);
    let asymmetric: AsymmetricKey | null = null;
    if (info.publicKey) {
      const spki = spkiDer(info.publicKey);
      asymmetric = { spki, publicKey: nodePublicKey(spki), shape: keyShape(info.publicKey) };
    }
    return {
      record,
      source,
      revision,
      label,
      arn: keyArn(this.options.scope, record.keyId),
      asymmetric,
    };
  }

  /** Installs (or, with null, removes) one key after a write, without waiting for a refresh. */
  put(keyId: string, entry: KeyEntry | null): void {
    const byId = new Map(this.byId);
    if (entry) byId.set(keyId, entry);
    else byId.delete(keyId);
    this.install(byId);
  }

  /** Finds a key by id, key ARN, alias or alias ARN; NotFoundException otherwise. */
  resolve(text: string): KeyEntry {
    const ref = parseKeyReference(text, this.options.scope);
    switch (ref.kind) {
      case 'keyId': {
        const entry = this.byId.get(ref.keyId);
        if (!entry) {
          throw new KmsError(
            'NotFoundException',
            `Key '${keyArn(this.options.scope, ref.keyId)}' does not exist`,
          );
        }
        return entry;
      }
      case 'alias': {
        const entries = this.aliasTargets(ref.alias);
        if (entries.length === 0) {
          throw new KmsError(
            'NotFoundException',
            `Alias '${aliasArn(this.options.scope, ref.alias)}' is not found.`,
          );
        }
        if (entries.length > 1) {
          throw new KmsError(
            'KMSInternalException',
            'An internal error occurred.',
            new Error(`alias ${ref.alias} names ${entries.length} keys`),
          );
        }
        return entries[0] as KeyEntry;
      }
      case 'foreign':
        throw new KmsError('NotFoundException', `Key '${ref.text}' does not exist`);
      case 'malformed':
        throw new KmsError('NotFoundException', `Invalid keyId '${ref.text}'`);
    }
  }

  keyArn(keyId: string): string {
    return keyArn(this.options.scope, keyId);
  }

  aliasArn(name: string): string {
    return aliasArn(this.options.scope, name);
  }

  byKeyId(keyId: string): KeyEntry | undefined {
    return this.byId.get(keyId);
  }

  aliasTargets(alias: string): KeyEntry[] {
    return this.byAlias.get(alias) ?? [];
  }

  /** All keys, ordered by key id (the paging order of ListKeys). */
  keys(): KeyEntry[] {
    return [...this.byId.values()].sort((a, b) => byCodeUnits(a.record.keyId, b.record.keyId));
  }

  /** All aliases, ordered by name (the paging order of ListAliases). */
  aliases(): AliasEntry[] {
    const out: AliasEntry[] = [];
    for (const entry of this.byId.values()) {
      for (const alias of entry.record.aliases) {
        out.push({
          name: alias.name,
          arn: aliasArn(this.options.scope, alias.name),
          keyId: entry.record.keyId,
          creationDate: alias.creationDate,
        });
      }
    }
    return out.sort((a, b) => byCodeUnits(a.name, b.name));
  }
}

/** The metadata of a key adopted from the token (config file or `qkms keys import`). */
export function adoptedMetadata(
  keyId: string,
  keySpec: KeySpec,
  locator: KeyMetadataRecord['locator'],
  options: { description: string; aliases: readonly string[]; enabled: boolean },
  creationDate = 0,
): KeyMetadataRecord {
  return {
    keyId,
    keySpec,
    keyUsage: KEY_SPEC_TABLE[keySpec].keyUsage,
    description: options.description,
    state: options.enabled ? 'Enabled' : 'Disabled',
    creationDate,
    origin: 'EXTERNAL',
    aliases: options.aliases.map((name) => ({ name, creationDate })),
    tags: [],
    locator,
  };
}
