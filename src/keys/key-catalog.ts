// The key catalog: every key this gateway serves, from the token's metadata objects and from the
// config file's adopted keys, cached in memory and refreshed every `metadata.refreshSeconds`.
// Request handlers only read this cache; they never search the token.

import { randomUUID } from 'node:crypto';
import { KEY_SPEC_TABLE, keySpecForCurve, type KeySpec } from '../crypto/key-specs';
import { keyShape, nodePublicKey, spkiDer, type PublicKeyMaterial } from '../crypto/public-key';
import { KmsError } from '../errors/kms-error';
import type { AdoptedKeyConfig } from '../config/schema';
import type { KeyPairInfo, TokenApi } from '../pkcs11/token-api';
import { aliasArn, keyArn, type ArnScope } from './arns';
import type { KeyEntry, KeyMetadataRecord } from './key-record';
import { keyIdBytesHex, parseKeyReference } from './key-reference';
import {
  METADATA_APPLICATION,
  decodeMetadata,
  encodeMetadata,
  metadataLabel,
  parseMetadataLabel,
} from './metadata-codec';

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
  readonly now?: () => number;
}

/** The key spec a key pair found in the token has, if KMS has a name for it. */
export function inferKeySpec(material: PublicKeyMaterial): KeySpec | undefined {
  if (material.kind === 'rsa') {
    const bits = keyShape(material).sizeBytes * 8;
    return (['RSA_2048', 'RSA_3072', 'RSA_4096'] as const).find(
      (s) =>
        KEY_SPEC_TABLE[s].generation.kind === 'rsa' &&
        (KEY_SPEC_TABLE[s].generation as { bits: number }).bits === bits,
    );
  }
  return keySpecForCurve(material.curveOidDer);
}

/** Plain code-unit order: the order paging's marker comparison (`>`) assumes. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class KeyCatalog {
  private byId = new Map<string, KeyEntry>();
  private byAlias = new Map<string, KeyEntry[]>();
  /** Public keys never change, so a key's material is read from the token once. */
  private readonly publicKeys = new Map<string, KeyPairInfo>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(
    private readonly token: TokenApi,
    private readonly options: CatalogOptions,
  ) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Reads the whole catalog from the token; call once at start-up, then refresh() keeps it fresh. */
  async load(): Promise<{ problems: string[] }> {
    const problems: string[] = [];
    const records = new Map<string, { record: KeyMetadataRecord; source: 'token' | 'config' }>();
    for (const record of await this.readTokenRecords())
      records.set(record.keyId, { record, source: 'token' });
    for (const adopted of this.options.adopted) {
      if (records.has(adopted.keyId)) {
        problems.push(
          `key ${adopted.keyId} is both adopted in the config and stored in the token; the token's record wins`,
        );
        continue;
      }
      const record = await this.adoptedRecord(adopted, problems);
      if (record) records.set(record.keyId, { record, source: 'config' });
    }
    const byId = new Map<string, KeyEntry>();
    for (const { record, source } of records.values()) {
      try {
        const entry = await this.entryFor(record, source, problems);
        if (entry) byId.set(record.keyId, entry);
      } catch (err) {
        // One unreadable key must not take the others down with it.
        problems.push(`key ${record.keyId}: ${String(err)}`);
      }
    }
    this.install(byId);
    return { problems };
  }

  startRefresh(seconds: number, onProblem: (message: string) => void): void {
    this.timer = setInterval(() => {
      this.load().then(
        ({ problems }) => problems.forEach(onProblem),
        (err: unknown) => onProblem(`metadata refresh failed: ${String(err)}`),
      );
    }, seconds * 1000);
    this.timer.unref();
  }

  stopRefresh(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private install(byId: Map<string, KeyEntry>): void {
    const byAlias = new Map<string, KeyEntry[]>();
    for (const entry of byId.values()) {
      for (const alias of entry.record.aliases)
        byAlias.set(alias.name, [...(byAlias.get(alias.name) ?? []), entry]);
    }
    this.byId = byId;
    this.byAlias = byAlias;
  }

  private async readTokenRecords(): Promise<KeyMetadataRecord[]> {
    const newest = new Map<string, { revision: number; record: KeyMetadataRecord }>();
    for (const object of await this.token.listData(METADATA_APPLICATION)) {
      const name = parseMetadataLabel(object.label);
      const record = name && decodeMetadata(object.value);
      if (!name || !record) continue;
      const current = newest.get(name.keyId);
      if (!current || current.revision < name.revision)
        newest.set(name.keyId, { revision: name.revision, record });
    }
    return [...newest.values()].map((n) => n.record);
  }

  private async publicKeyOf(record: KeyMetadataRecord): Promise<KeyPairInfo | null> {
    const cached = this.publicKeys.get(record.keyId);
    if (cached) return cached;
    const info = await this.token.findKeyPair(record.locator);
    if (info) this.publicKeys.set(record.keyId, info);
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
    const info = await this.token.findKeyPair(locator);
    if (!info) {
      problems.push(
        `adopted key ${adopted.keyId}: no key pair with ${JSON.stringify(locator)} in the token`,
      );
      return null;
    }
    const keySpec = inferKeySpec(info.publicKey);
    if (!keySpec) {
      problems.push(`adopted key ${adopted.keyId}: its key type has no KMS key spec`);
      return null;
    }
    this.publicKeys.set(adopted.keyId, info);
    return {
      keyId: adopted.keyId,
      keySpec,
      keyUsage: KEY_SPEC_TABLE[keySpec].keyUsage,
      description: adopted.description,
      state: adopted.enabled ? 'Enabled' : 'Disabled',
      creationDate: 0,
      origin: 'EXTERNAL',
      aliases: adopted.aliases.map((name) => ({ name, creationDate: 0 })),
      locator,
    };
  }

  private async entryFor(
    record: KeyMetadataRecord,
    source: 'token' | 'config',
    problems: string[],
  ): Promise<KeyEntry | null> {
    const info = await this.publicKeyOf(record);
    if (!info) {
      problems.push(
        `key ${record.keyId}: its metadata is in the token but its key objects are not`,
      );
      return null;
    }
    const spki = spkiDer(info.publicKey);
    return {
      record,
      source,
      arn: keyArn(this.options.scope, record.keyId),
      spki,
      publicKey: nodePublicKey(spki),
      shape: keyShape(info.publicKey),
    };
  }

  /** Finds a key by id, key ARN, alias or alias ARN; NotFoundException otherwise. */
  resolve(text: string): KeyEntry {
    const ref = parseKeyReference(text, this.options.scope);
    switch (ref.kind) {
      case 'keyId': {
        const entry = this.byId.get(ref.keyId);
        if (!entry)
          throw new KmsError(
            'NotFoundException',
            `Key '${keyArn(this.options.scope, ref.keyId)}' does not exist`,
          );
        return entry;
      }
      case 'alias': {
        const entries = this.byAlias.get(ref.alias) ?? [];
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

  /** Generates a key pair in the token and stores its metadata there. */
  async createKey(
    keySpec: KeySpec,
    description: string,
    aliases: readonly string[],
  ): Promise<KeyEntry> {
    if (this.options.readOnly) {
      throw new KmsError(
        'UnsupportedOperationException',
        'This gateway is configured read-only (pkcs11.readOnly); it cannot create keys.',
      );
    }
    const spec = KEY_SPEC_TABLE[keySpec];
    if (spec.generation.kind === 'unavailable') {
      throw new KmsError(
        'UnsupportedOperationException',
        `${keySpec} keys need ${spec.generation.capability}, which this gateway does not have.`,
      );
    }
    for (const alias of aliases) {
      if (this.byAlias.has(alias))
        throw new KmsError(
          'AlreadyExistsException',
          `An alias with the name ${aliasArn(this.options.scope, alias)} already exists`,
        );
    }
    const keyId = randomUUID();
    const locator = { idHex: keyIdBytesHex(keyId) };
    const info = await this.token.generateKeyPair(spec.generation, locator.idHex, keyId, true);
    this.publicKeys.set(keyId, info);
    const now = this.now();
    const record: KeyMetadataRecord = {
      keyId,
      keySpec,
      keyUsage: spec.keyUsage,
      description,
      state: 'Enabled',
      creationDate: now,
      origin: 'AWS_KMS',
      aliases: aliases.map((name) => ({ name, creationDate: now })),
      locator,
    };
    await this.token.createData(
      METADATA_APPLICATION,
      metadataLabel(keyId, 1),
      encodeMetadata(record),
    );
    const entry = await this.entryFor(record, 'token', []);
    if (!entry) throw new Error(`key ${keyId} vanished right after it was generated`);
    this.install(new Map([...this.byId, [keyId, entry]]));
    return entry;
  }
}
