// Writes to the key catalog: creating keys, updating their metadata, and the deletion sweeper.
// Metadata updates write revision n+1 before removing revision n (SoftHSM's CKA_VALUE is
// read-only), so a crash in between loses nothing and readers simply take the newest.

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

export class KeyStore {
  constructor(
    private readonly token: TokenApi,
    private readonly catalog: KeyCatalog,
    private readonly readOnly: boolean,
    /** Epoch seconds; injectable so the deletion window can be tested. */
    readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

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
    const info: KeyInfo =
      gen.kind === 'secret'
        ? await this.token.generateSecretKey(gen.bytes, idHex, keyId, true)
        : await this.token.generateKeyPair(gen, idHex, keyId, true);
    const now = this.now();
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
    return this.write(record, info, 0);
  }

  /** Records metadata for a key pair that already exists in the token (`qkms keys import`). */
  async adopt(record: KeyMetadataRecord): Promise<KeyEntry> {
    this.assertWritable('import keys');
    const info = await this.token.findKey(record.locator);
    if (!info)
      throw new KmsError(
        'NotFoundException',
        `No key in the token matches ${JSON.stringify(record.locator)}.`,
      );
    return this.write(record, info, 0);
  }

  /** Applies `change` to a key's metadata and stores the new revision. */
  async update(
    entry: KeyEntry,
    change: (record: KeyMetadataRecord) => KeyMetadataRecord,
  ): Promise<KeyEntry> {
    this.assertWritable('change keys');
    const info = await this.token.findKey(entry.record.locator);
    if (!info)
      throw new KmsError(
        'KMSInvalidStateException',
        `${entry.arn} has no key material in the HSM.`,
      );
    return this.write(change(entry.record), info, entry.revision);
  }

  private async write(
    record: KeyMetadataRecord,
    info: KeyInfo,
    previous: number,
  ): Promise<KeyEntry> {
    const revision = previous + 1;
    await this.token.createData(
      METADATA_APPLICATION,
      metadataLabel(record.keyId, revision),
      encodeMetadata(record),
    );
    if (previous > 0) {
      await this.token.destroyData(METADATA_APPLICATION, metadataLabel(record.keyId, previous));
    }
    const entry = this.catalog.makeEntry(record, info, 'token', revision);
    this.catalog.put(record.keyId, entry);
    return entry;
  }

  /**
   * Destroys the key material and metadata of keys whose deletion date has passed. Safe with
   * several replicas: each step is a search followed by destroy, and a replica that finds
   * nothing left has nothing to do. Returns the ids of keys it removed.
   */
  async sweep(): Promise<string[]> {
    if (this.readOnly) return [];
    const removed: string[] = [];
    const now = this.now();
    for (const entry of this.catalog.keys()) {
      const { state, deletionDate, keyId, locator } = entry.record;
      if (state !== 'PendingDeletion' || deletionDate === undefined || deletionDate > now) continue;
      await this.token.destroyKey(locator);
      await this.token.destroyData(METADATA_APPLICATION, metadataLabel(keyId, entry.revision));
      this.catalog.put(keyId, null);
      removed.push(keyId);
    }
    for (const label of this.catalog.takeStaleLabels()) {
      await this.token.destroyData(METADATA_APPLICATION, label);
    }
    return removed;
  }
}
