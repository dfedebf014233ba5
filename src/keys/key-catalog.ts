// The key catalog: the read side over the metadata store. Request handlers resolve keys and
// aliases here, from memory; they never search the token. The store tells the catalog which
// keys and aliases changed (its own writes, and other processes' once it has seen them), and
// only those entries are rebuilt. A key's public half is read from the token the first time a
// request needs it, not at start-up: start-up cost must not grow with the number of keys.

import { randomBytes } from 'node:crypto';
import { keyShape, nodePublicKey, spkiDer } from '../crypto/public-key';
import { MarkerCodec } from './marker-codec';
import { KmsError } from '../errors/kms-error';
import type { TokenApi } from '../pkcs11/token-api';
import { aliasArn, keyArn, type ArnScope } from './arns';
import type { AsymmetricKey, KeyEntry, KeyMetadataRecord } from './key-record';
import { parseKeyReference } from './key-reference';
import type { ChangedNames, MetadataStore } from './store/metadata-store';
import { MetadataView, type ConfigKeys } from './store/metadata-view';

export interface AliasEntry {
  readonly name: string;
  readonly arn: string;
  readonly keyId: string;
  readonly creationDate: number;
  readonly lastUpdatedDate: number;
}

/** Plain code-unit order: the order paging's marker comparison (`>`) assumes. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class KeyCatalog {
  private entries = new Map<string, KeyEntry>();
  private aliasIndex = new Map<string, AliasEntry>();
  private sortedKeys: KeyEntry[] | null = null;
  private sortedAliases: AliasEntry[] | null = null;
  /** Key material never changes, so a key's public half is read once. */
  private readonly publicKeys = new Map<string, Promise<AsymmetricKey>>();

  constructor(
    private readonly store: MetadataStore,
    private readonly config: ConfigKeys,
    private readonly token: TokenApi,
    readonly scope: ArnScope,
    /** Pages the listings: its key is shared by every process of the store (open-keys.ts). */
    readonly markers: MarkerCodec = new MarkerCodec(randomBytes(32)),
  ) {
    this.rebuild(null);
    store.onChange((changed) => this.rebuild(changed));
  }

  private view(): MetadataView {
    return new MetadataView(this.store.state(), this.config);
  }

  /** Rebuilds the alias index and the entries of changed keys (all keys when `changed` is null). */
  private rebuild(changed: ChangedNames | null): void {
    const view = this.view();
    const aliasIndex = new Map<string, AliasEntry>();
    const namesByKey = new Map<string, string[]>();
    for (const name of view.aliasNames()) {
      const alias = view.alias(name);
      if (!alias) continue;
      aliasIndex.set(name, { ...alias, arn: aliasArn(this.scope, name) });
      namesByKey.set(alias.keyId, [...(namesByKey.get(alias.keyId) ?? []), name]);
    }
    const affected = new Set(changed ? changed.keys : view.keyIds());
    // Keys whose set of aliases moved need new entries too.
    for (const name of changed?.aliases ?? []) {
      const before = this.aliasIndex.get(name)?.keyId;
      const after = aliasIndex.get(name)?.keyId;
      if (before) affected.add(before);
      if (after) affected.add(after);
    }
    const entries = changed ? new Map(this.entries) : new Map<string, KeyEntry>();
    for (const keyId of affected) {
      const record = view.key(keyId);
      if (!record) {
        entries.delete(keyId);
        this.publicKeys.delete(keyId);
        continue;
      }
      entries.set(keyId, {
        record,
        arn: keyArn(this.scope, keyId),
        aliases: (namesByKey.get(keyId) ?? []).sort(byCodeUnits),
        source: view.stored(keyId) ? 'store' : 'config',
      });
    }
    this.entries = entries;
    this.aliasIndex = aliasIndex;
    this.sortedKeys = null;
    this.sortedAliases = null;
  }

  /**
   * Refuses to answer from metadata that may be too old: a store that lost its database past
   * its staleness bound (metadata.postgres.maxStaleSeconds) makes keys unavailable.
   */
  private assertUsable(): void {
    const unusable = this.store.health().unusable;
    if (unusable) throw new KmsError('KeyUnavailableException', unusable);
  }

  /** An entry for a record this process has not read back yet (a change it just made). */
  entryFor(record: KeyMetadataRecord, aliases: readonly string[]): KeyEntry {
    return {
      record,
      arn: keyArn(this.scope, record.keyId),
      aliases: [...aliases].sort(byCodeUnits),
      source: 'store',
    };
  }

  /** Finds a key by id, key ARN, alias or alias ARN; NotFoundException otherwise. */
  resolve(text: string): KeyEntry {
    this.assertUsable();
    const ref = parseKeyReference(text, this.scope);
    switch (ref.kind) {
      case 'keyId': {
        const entry = this.entries.get(ref.keyId);
        if (!entry) {
          throw new KmsError(
            'NotFoundException',
            `Key '${keyArn(this.scope, ref.keyId)}' does not exist`,
          );
        }
        return entry;
      }
      case 'alias': {
        const entry = this.aliasTarget(ref.alias);
        if (!entry) {
          throw new KmsError(
            'NotFoundException',
            `Alias '${aliasArn(this.scope, ref.alias)}' is not found.`,
          );
        }
        return entry;
      }
      case 'foreign':
        throw new KmsError('NotFoundException', `Key '${ref.text}' does not exist`);
      case 'malformed':
        throw new KmsError('NotFoundException', `Invalid keyId '${ref.text}'`);
    }
  }

  /** The key an alias names, if the alias exists. An alias names one key: it is one record. */
  aliasTarget(name: string): KeyEntry | undefined {
    const alias = this.aliasIndex.get(name);
    return alias && this.entries.get(alias.keyId);
  }

  alias(name: string): AliasEntry | undefined {
    return this.aliasIndex.get(name);
  }

  keyArn(keyId: string): string {
    return keyArn(this.scope, keyId);
  }

  aliasArn(name: string): string {
    return aliasArn(this.scope, name);
  }

  byKeyId(keyId: string): KeyEntry | undefined {
    return this.entries.get(keyId);
  }

  /** All keys, ordered by key id (the paging order of ListKeys). */
  keys(): readonly KeyEntry[] {
    this.assertUsable();
    this.sortedKeys ??= [...this.entries.values()].sort((a, b) =>
      byCodeUnits(a.record.keyId, b.record.keyId),
    );
    return this.sortedKeys;
  }

  /** All aliases, ordered by name (the paging order of ListAliases). */
  aliases(): readonly AliasEntry[] {
    this.assertUsable();
    this.sortedAliases ??= [...this.aliasIndex.values()].sort((a, b) =>
      byCodeUnits(a.name, b.name),
    );
    return this.sortedAliases;
  }

  /**
   * The public half of an asymmetric key, read from the token on first use. A key whose
   * objects are missing from the token answers KMSInvalidStateException, as AWS KMS does for
   * a key without key material.
   */
  publicKey(entry: KeyEntry): Promise<AsymmetricKey> {
    const keyId = entry.record.keyId;
    let found = this.publicKeys.get(keyId);
    if (!found) {
      found = this.readPublicKey(entry);
      this.publicKeys.set(keyId, found);
      // A failure (HSM away, objects missing) is not remembered: the next request asks again.
      found.catch(() => this.publicKeys.delete(keyId));
    }
    return found;
  }

  private async readPublicKey(entry: KeyEntry): Promise<AsymmetricKey> {
    const info = await this.token.findKey(entry.record.locator);
    if (!info?.publicKey) {
      throw new KmsError(
        'KMSInvalidStateException',
        `${entry.arn} has no public key material in the HSM.`,
      );
    }
    const spki = spkiDer(info.publicKey);
    return { spki, publicKey: nodePublicKey(spki), shape: keyShape(info.publicKey) };
  }
}
