// Writes to the key catalog: creating keys, updating their metadata, and the deletion sweeper.
// Metadata updates write a new revision before removing the old one by its exact label
// (SoftHSM's CKA_VALUE is read-only), so a crash in between loses nothing and readers take the
// newest. Writes in this process run one at a time, and each change is computed from the record
// current at that moment, so checks made inside a change (alias taken? key pending deletion?)
// cannot race another write of this process.

import { randomUUID } from 'node:crypto';
import { KEY_SPEC_TABLE, type KeySpec } from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import type { KeyInfo, TokenApi } from '../pkcs11/token-api';
import type { KeyCatalog } from './key-catalog';
import type { KeyEntry, KeyMetadataRecord, Tag } from './key-record';
import { keyIdBytesHex } from './key-reference';
import { METADATA_APPLICATION, encodeMetadata, metadataLabel } from './metadata-codec';

export interface NewKey {
  readonly keySpec: KeySpec;
  readonly description: string;
  readonly tags: readonly Tag[];
  readonly aliases?: readonly string[];
}

/** A change to one key's metadata; it may throw a KmsError to refuse the change. */
export type MetadataChange = (record: KeyMetadataRecord, entry: KeyEntry) => KeyMetadataRecord;

export class KeyStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly token: TokenApi,
    private readonly catalog: KeyCatalog,
    private readonly readOnly: boolean,
    /** Epoch seconds; injectable so the deletion window can be tested. */
    readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Runs `work` after every write queued before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertWritable(what: string): void {
    if (this.readOnly) {
      throw new KmsError(
        'UnsupportedOperationException',
        `This gateway is configured read-only (pkcs11.readOnly); it cannot ${what}.`,
      );
    }
  }

  /** Generates a key in the token and stores its metadata there. */
  async createKey(spec: NewKey): Promise<KeyEntry> {
    this.assertWritable('create keys');
    const gen = KEY_SPEC_TABLE[spec.keySpec].generation;
    if (gen.kind === 'unavailable') {
      throw new KmsError(
        'UnsupportedOperationException',
        `${spec.keySpec} keys need ${gen.capability}, which this gateway's HSM does not have.`,
      );
    }
    const keyId = randomUUID();
    const idHex = keyIdBytesHex(keyId);
    // Key generation is slow (RSA-4096: seconds) and needs no lock: the key id is new.
    const info: KeyInfo =
      gen.kind === 'secret'
        ? await this.token.generateSecretKey(gen.bytes, idHex, keyId, true)
        : await this.token.generateKeyPair(gen, idHex, keyId, true);
    return this.exclusive(async () => {
      const now = this.now();
      for (const name of spec.aliases ?? []) this.assertAliasFree(name);
      const record: KeyMetadataRecord = {
        keyId,
        keySpec: spec.keySpec,
        keyUsage: KEY_SPEC_TABLE[spec.keySpec].keyUsage,
        description: spec.description,
        state: 'Enabled',
        creationDate: now,
        origin: 'AWS_KMS',
        aliases: (spec.aliases ?? []).map((name) => ({ name, creationDate: now })),
        tags: spec.tags,
        locator: { idHex },
      };
      return this.write(record, info, null);
    });
  }

  /** Records metadata for a key that already exists in the token (`qkms keys import`). */
  adopt(record: KeyMetadataRecord): Promise<KeyEntry> {
    this.assertWritable('import keys');
    return this.exclusive(async () => {
      if (this.catalog.byKeyId(record.keyId)) {
        throw new KmsError('AlreadyExistsException', `Key ${record.keyId} already exists.`);
      }
      for (const alias of record.aliases) this.assertAliasFree(alias.name);
      const info = await this.token.findKey(record.locator);
      if (!info) {
        throw new KmsError(
          'NotFoundException',
          `No key in the token matches ${JSON.stringify(record.locator)}.`,
        );
      }
      return this.write(record, info, null);
    });
  }

  /** Applies `change` to the current metadata of `keyId` and stores the new revision. */
  update(keyId: string, change: MetadataChange): Promise<KeyEntry> {
    this.assertWritable('change keys');
    return this.exclusive(() => this.applyChange(keyId, change));
  }

  /**
   * Applies several changes as one step for this process: every revision is written before any
   * is installed, so UpdateAlias never shows the alias on two keys (or none) here.
   */
  updateMany(changes: readonly { keyId: string; change: MetadataChange }[]): Promise<KeyEntry[]> {
    this.assertWritable('change keys');
    return this.exclusive(async () => {
      const prepared = changes.map(({ keyId, change }) => {
        const entry = this.current(keyId);
        return { entry, record: change(entry.record, entry) };
      });
      const written: KeyEntry[] = [];
      for (const { entry, record } of prepared) written.push(await this.persist(entry, record));
      for (const entry of written) this.catalog.put(entry.record.keyId, entry);
      return written;
    });
  }

  /** Refuses an alias name some key already holds. */
  assertAliasFree(name: string): void {
    if (this.catalog.aliasTargets(name).length > 0) {
      throw new KmsError(
        'AlreadyExistsException',
        `An alias with the name ${this.catalog.aliasArn(name)} already exists`,
      );
    }
  }

  private current(keyId: string): KeyEntry {
    const entry = this.catalog.byKeyId(keyId);
    if (!entry)
      throw new KmsError('NotFoundException', `Key '${this.catalog.keyArn(keyId)}' does not exist`);
    return entry;
  }

  private async applyChange(keyId: string, change: MetadataChange): Promise<KeyEntry> {
    const entry = this.current(keyId);
    const written = await this.persist(entry, change(entry.record, entry));
    this.catalog.put(keyId, written);
    return written;
  }

  private async persist(entry: KeyEntry, record: KeyMetadataRecord): Promise<KeyEntry> {
    const info = await this.token.findKey(entry.record.locator);
    if (!info)
      throw new KmsError(
        'KMSInvalidStateException',
        `${entry.arn} has no key material in the HSM.`,
      );
    return this.write(record, info, entry, false);
  }

  private async write(
    record: KeyMetadataRecord,
    info: KeyInfo,
    previous: KeyEntry | null,
    install = true,
  ): Promise<KeyEntry> {
    const revision = (previous?.revision ?? 0) + 1;
    const label = metadataLabel(record.keyId, revision);
    await this.token.createData(METADATA_APPLICATION, label, encodeMetadata(record));
    if (previous?.label) await this.token.destroyData(METADATA_APPLICATION, previous.label);
    const entry = this.catalog.makeEntry(record, info, 'token', revision, label);
    if (install) this.catalog.put(record.keyId, entry);
    return entry;
  }

  /**
   * Destroys the key material and metadata of keys whose deletion date has passed, and metadata
   * revisions left behind by a crash. Safe with several replicas: each step searches and then
   * destroys, so a replica that finds nothing left has nothing to do. Returns the removed key ids.
   */
  sweep(): Promise<string[]> {
    if (this.readOnly) return Promise.resolve([]);
    return this.exclusive(async () => {
      const removed: string[] = [];
      const now = this.now();
      for (const entry of this.catalog.keys()) {
        const { state, deletionDate, keyId, locator } = entry.record;
        if (state !== 'PendingDeletion' || deletionDate === undefined || deletionDate > now)
          continue;
        await this.token.destroyKey(locator);
        if (entry.label) await this.token.destroyData(METADATA_APPLICATION, entry.label);
        this.catalog.put(keyId, null);
        removed.push(keyId);
      }
      for (const label of this.catalog.takeStaleLabels()) {
        await this.token.destroyData(METADATA_APPLICATION, label);
      }
      return removed;
    });
  }
}
