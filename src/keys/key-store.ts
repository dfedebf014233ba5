// Changes to keys, as the operations ask for them: generating keys in the token, aliases, key
// record edits, the deletion sweeper and crash repair. Each change goes to the metadata store
// as one whole change (store/change-plan.ts) with a journal that writes its audit intent line
// first; the store makes it atomic against every other writer. The catalog hears of it at once.

import { randomUUID } from 'node:crypto';
import { KEY_SPEC_TABLE, type KeySpec, type KeyUsage } from '../crypto/key-specs';
import { KmsError, toKmsError } from '../errors/kms-error';
import { CallTimedOut } from '../pkcs11/call-timed-out';
import { OutcomeUnknown } from './store/outcome-unknown';
import type { AuditTrail } from '../audit/audit-trail';
import type { KeyInfo, KeyLocator, KeyPairUsage, TokenApi } from '../pkcs11/token-api';
import type { KeyCatalog } from './key-catalog';
import type { KeyEntry, KeyMetadataRecord, Tag } from './key-record';
import { keyIdBytesHex } from './key-reference';
import { isRotationDue, RotationNotDue, withNewMaterial, type RotationType } from './rotation';
import type { ChangeDetail, MetadataChange } from './store/change-plan';
import type { Journal, MetadataStore, RolledBack } from './store/metadata-store';

/** Who asked for a change: goes into its audit lines. */
export interface Caller {
  readonly requestId: string;
  readonly principal: string | null;
  readonly source: string | null;
}

/** Changes QKMS makes by itself (deletion sweeper, crash repair). */
export const SYSTEM_CALLER = (): Caller => ({
  requestId: randomUUID(),
  principal: null,
  source: 'qkms',
});

export interface NewKey {
  readonly keySpec: KeySpec;
  /** One of the spec's usages; its first (the one every spec has) when not given. */
  readonly keyUsage?: KeyUsage;
  readonly description: string;
  readonly tags: readonly Tag[];
  readonly aliases?: readonly string[];
}

/** What the private half of a key pair may do in the token, by the key's KMS usage. */
const PAIR_USAGE: Readonly<Record<KeyUsage, KeyPairUsage>> = {
  SIGN_VERIFY: 'sign',
  ENCRYPT_DECRYPT: 'decrypt',
  KEY_AGREEMENT: 'derive',
  GENERATE_VERIFY_MAC: 'sign',
};

/** A key record edit; it may throw a KmsError to refuse the change. */
export type RecordEdit = (record: KeyMetadataRecord) => KeyMetadataRecord;

/** The audit operation of each kind of rotation (the sweeper's is QKMS's own name). */
const ROTATION_OPERATION: Readonly<Record<RotationType, string>> = {
  ON_DEMAND: 'RotateKeyOnDemand',
  AUTOMATIC: 'RotateKey',
};

/** A key the rotation sweeper could not rotate is tried again after this long, doubling to an hour. */
const ROTATE_RETRY_MS = { first: 60_000, max: 3_600_000 };

export class KeyStore {
  /** Keys the rotation sweeper failed to rotate: when to try again, and the delay after that. */
  private readonly rotateRetry = new Map<string, { at: number; delayMs: number }>();

  constructor(
    private readonly token: TokenApi,
    private readonly metadata: MetadataStore,
    private readonly catalog: KeyCatalog,
    private readonly audit: AuditTrail,
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

  /** The journal of one change: its audit intent line, or the refusal to make it. */
  private journal(caller: Caller): Journal {
    return (detail: ChangeDetail) => {
      try {
        this.audit.recordIntent({
          ...caller,
          ...detail,
          keyArn: this.catalog.keyArn(detail.keyId),
        });
      } catch (err) {
        throw new KmsError(
          'KMSInternalException',
          'The audit trail could not be written, so the change was not made. Retry when the audit file can be written again.',
          err,
        );
      }
    };
  }

  /** The key after its change; a copy that lags (its refresh failed) answers from the change. */
  private entry(keyId: string, record: KeyMetadataRecord | undefined): KeyEntry {
    const entry = this.catalog.byKeyId(keyId);
    if (entry) return entry;
    if (record) return this.catalog.entryFor(record, []);
    throw new KmsError(
      'DependencyTimeoutException',
      'The change was made; reading it back failed. Retry.',
    );
  }

  /**
   * Generates a key in the token and records it. The audit intent comes first, then the
   * store's creation intent, then the key objects: a crash at any point leaves either the
   * recorded key or, after reconcile, nothing.
   */
  async createKey(spec: NewKey, caller: Caller): Promise<KeyEntry> {
    this.assertWritable('create keys');
    const gen = KEY_SPEC_TABLE[spec.keySpec].generation;
    if (gen.kind === 'unavailable') {
      throw new KmsError(
        'UnsupportedOperationException',
        `${spec.keySpec} keys need ${gen.capability}, which this gateway's HSM does not have.`,
      );
    }
    const keyUsage = spec.keyUsage ?? (KEY_SPEC_TABLE[spec.keySpec].keyUsages[0] as KeyUsage);
    const keyId = randomUUID();
    const idHex = keyIdBytesHex(keyId);
    this.journal(caller)({ operation: 'CreateKey', keyId });
    const intent = await this.metadata.beginCreation(keyId);
    let record: KeyMetadataRecord;
    try {
      const info: KeyInfo =
        gen.kind === 'secret' || gen.kind === 'aes'
          ? await this.token.generateSecretKey(
              gen.bytes,
              idHex,
              keyId,
              true,
              gen.kind === 'aes' ? 'aes' : 'hmac',
            )
          : await this.token.generateKeyPair(
              { ...gen, usage: PAIR_USAGE[keyUsage] },
              idHex,
              keyId,
              true,
            );
      const now = this.now();
      record = {
        keyId,
        keySpec: spec.keySpec,
        keyUsage,
        description: spec.description,
        state: 'Enabled',
        creationDate: now,
        origin: 'AWS_KMS',
        tags: spec.tags,
        locator: { idHex: info.idHex },
        // The first material is the key's own object (key-record.ts KeyMaterial).
        ...(gen.kind === 'aes'
          ? { materials: [{ materialId: keyId, created: now, origin: 'CREATE' as const }] }
          : {}),
      };
      await this.metadata.commitCreation(intent, {
        kind: 'createKey',
        record,
        aliases: (spec.aliases ?? []).map((name) => ({
          name,
          keyId,
          creationDate: now,
          lastUpdatedDate: now,
        })),
      });
    } catch (err) {
      // Whether the key was recorded is unknown: its objects stay, and reconcile() decides
      // once the store can be read. Otherwise it was not recorded: its objects go.
      if (!(err instanceof OutcomeUnknown)) await this.rollBack(intent, err);
      throw err;
    }
    // Recorded: from here on nothing may undo it, even if this process's copy lags.
    return this.catalog.byKeyId(keyId) ?? this.catalog.entryFor(record, spec.aliases ?? []);
  }

  /**
   * Gives a SYMMETRIC_DEFAULT key new material, as createKey makes a key: the audit intent, the
   * store's creation intent (naming the new material's id), the AES object in the token (CKA_ID
   * the material id's 16 bytes, CKA_LABEL the id), then the record change that appends it,
   * checked against the key's newest record (rotation.ts withNewMaterial). A crash before the
   * commit leaves an intent whose material no record lists: reconcile() destroys the object.
   * Rotations of one key by several processes each add their material, or are refused whole.
   */
  async rotate(keyId: string, type: RotationType, caller: Caller): Promise<KeyEntry> {
    this.assertWritable('rotate keys');
    const operation = ROTATION_OPERATION[type];
    const arn = this.catalog.keyArn(keyId);
    const materialId = randomUUID();
    this.journal(caller)({ operation, keyId });
    const intent = await this.metadata.beginCreation(materialId);
    try {
      const { bytes } = KEY_SPEC_TABLE.SYMMETRIC_DEFAULT.generation as { bytes: number };
      await this.token.generateSecretKey(bytes, keyIdBytesHex(materialId), materialId, true, 'aes');
      await this.metadata.commitCreation(intent, {
        kind: 'addMaterial',
        operation,
        keyId,
        materialId,
        edit: (record) => {
          const now = this.now();
          return withNewMaterial(record, { materialId, created: now, origin: type }, now, arn);
        },
      });
    } catch (err) {
      // As for createKey: unknown outcomes are left to reconcile(), the rest is undone now.
      if (!(err instanceof OutcomeUnknown)) await this.rollBack(intent, err);
      throw err;
    }
    return this.entry(keyId, undefined);
  }

  /**
   * The automatic rotation sweeper: rotates every enabled key whose next rotation date has
   * passed, on one process of the store at a time (metadata.takeTurn); the others skip their
   * round. Each rotation is checked again when it commits, so a key is never rotated twice for
   * one date. Returns the ids of the keys rotated.
   */
  async rotateDue(): Promise<string[]> {
    if (this.readOnly) return [];
    const due = (): string[] => {
      const now = this.now();
      const out: string[] = [];
      for (const record of this.metadata.state().keys.values()) {
        const retry = this.rotateRetry.get(record.keyId);
        if (isRotationDue(record, now) && (!retry || retry.at <= Date.now()))
          out.push(record.keyId);
      }
      return out;
    };
    if (due().length === 0) return [];
    const rotated = await this.metadata.takeTurn('rotation', async () => {
      // The turn may follow another process's: start from what it recorded.
      await this.metadata.refresh();
      const done: string[] = [];
      for (const keyId of due()) {
        const caller = SYSTEM_CALLER();
        try {
          await this.rotate(keyId, 'AUTOMATIC', caller);
          this.rotateRetry.delete(keyId);
          this.systemLine(caller, ROTATION_OPERATION.AUTOMATIC, keyId);
          done.push(keyId);
        } catch (err) {
          if (err instanceof RotationNotDue) continue;
          // One key that cannot rotate (HSM full, audit trail full) must not hold up the others.
          const delayMs = Math.min(
            (this.rotateRetry.get(keyId)?.delayMs ?? ROTATE_RETRY_MS.first / 2) * 2,
            ROTATE_RETRY_MS.max,
          );
          this.rotateRetry.set(keyId, { at: Date.now() + delayMs, delayMs });
          this.systemLine(caller, ROTATION_OPERATION.AUTOMATIC, keyId, toKmsError(err).name);
        }
      }
      return done;
    });
    return rotated ?? [];
  }

  /**
   * Undoes a creation that did not commit. If this fails too (the HSM went away), the intent
   * stays and reconcile() finishes the job later.
   */
  private async rollBack(intent: { keyId: string }, failure: unknown): Promise<void> {
    try {
      // A generation that timed out may still finish: wait for it (the token thread destroys
      // what finishes late), then remove whatever exists, whichever step failed.
      if (failure instanceof CallTimedOut) await failure.settled;
      await this.token.destroyKey({ idHex: keyIdBytesHex(intent.keyId) });
      await this.metadata.abandonCreation(intent);
    } catch {
      // Left to reconcile().
    }
  }

  /** Records metadata for a key that already exists in the token (`qkms keys import`). */
  async adopt(
    record: KeyMetadataRecord,
    aliases: readonly string[],
    caller: Caller,
  ): Promise<KeyEntry> {
    this.assertWritable('import keys');
    const info = await this.token.findKey(record.locator);
    if (!info) {
      throw new KmsError(
        'NotFoundException',
        `No key in the token matches ${JSON.stringify(record.locator)}.`,
      );
    }
    const now = this.now();
    await this.apply(
      {
        kind: 'createKey',
        record,
        aliases: aliases.map((name) => ({
          name,
          keyId: record.keyId,
          creationDate: now,
          lastUpdatedDate: now,
        })),
      },
      caller,
    );
    return this.entry(record.keyId, record);
  }

  /** Edits a key's record (description, tags, state), checked against its newest version. */
  async updateKey(
    operation: string,
    keyId: string,
    edit: RecordEdit,
    caller: Caller,
  ): Promise<KeyEntry> {
    await this.apply({ kind: 'updateKey', operation, keyId, edit }, caller);
    return this.entry(keyId, undefined);
  }

  createAlias(name: string, keyId: string, caller: Caller): Promise<ChangeDetail> {
    const now = this.now();
    return this.apply(
      { kind: 'createAlias', alias: { name, keyId, creationDate: now, lastUpdatedDate: now } },
      caller,
    );
  }

  updateAlias(name: string, keyId: string, caller: Caller): Promise<ChangeDetail> {
    return this.apply({ kind: 'updateAlias', name, keyId, now: this.now() }, caller);
  }

  deleteAlias(name: string, caller: Caller): Promise<ChangeDetail> {
    return this.apply({ kind: 'deleteAlias', name }, caller);
  }

  private apply(change: MetadataChange, caller: Caller): Promise<ChangeDetail> {
    this.assertWritable('change keys');
    return this.metadata.apply(change, this.journal(caller));
  }

  /**
   * Reads changes other processes made, now rather than at the next notice: a ciphertext made
   * with material another replica rotated in a moment ago must still decrypt here.
   */
  refresh(): Promise<void> {
    return this.metadata.refresh();
  }

  private readonly destroyKeyObjects = (locator: KeyLocator): Promise<void> =>
    this.token.destroyKey(locator);

  /** Destroys keys whose deletion window has passed; returns their ids. */
  async sweep(): Promise<string[]> {
    if (this.readOnly) return [];
    const callers = new Map<string, Caller>();
    const deleted = await this.metadata.sweep(
      this.now(),
      this.destroyKeyObjects,
      (detail) => {
        const caller = SYSTEM_CALLER();
        this.journal(caller)(detail);
        callers.set(detail.keyId, caller);
      },
      (keyId, err) => {
        const caller = callers.get(keyId);
        if (caller) this.systemLine(caller, 'DeleteKey', keyId, toKmsError(err).name);
      },
    );
    for (const keyId of deleted)
      this.systemLine(callers.get(keyId) ?? SYSTEM_CALLER(), 'DeleteKey', keyId);
    return deleted;
  }

  /** The final audit line of a change QKMS made by itself. */
  private systemLine(caller: Caller, operation: string, keyId: string, error?: string): void {
    try {
      this.audit.record({
        time: new Date().toISOString(),
        ...caller,
        operation,
        keyArn: this.catalog.keyArn(keyId),
        keyId,
        outcome: error ? 'failure' : 'success',
        ...(error ? { error } : {}),
      });
    } catch {
      // The change is made either way; gateway.ts logs it too.
    }
  }

  /**
   * Rolls back key creations (and rotations: their intent names the material) interrupted by a
   * crash, and closes half-announced changes.
   */
  async reconcile(): Promise<RolledBack[]> {
    if (this.readOnly) return [];
    const rolledBack = await this.metadata.reconcile(this.destroyKeyObjects);
    for (const { keyId } of rolledBack)
      this.systemLine(SYSTEM_CALLER(), 'CreateKey', keyId, 'RolledBack');
    return rolledBack;
  }
}
