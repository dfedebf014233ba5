// The embedded metadata store: records as CKO_DATA objects in the token itself (records.ts),
// nothing extra to run. PKCS#11 has no compare-and-swap, so this store is safe with one
// writing host: every process on the host serialises its changes with the host lock
// (host-lock.ts) and applies each one to the state read under it (store-core.ts). Every API
// change is one record write, so a crash leaves it done or not done; the few changes that write
// several records (a key created with aliases, a deletion) order their writes so that the last
// one commits, and what a crash leaves before it is repaired by reconcile() or the next sweep.

import { KmsError } from '../../../errors/kms-error';
import type { KeyLocator } from '../../../pkcs11/token-api';
import type { KeyMetadataRecord } from '../../key-record';
import { destroyKeyObjects as destroyAllObjects, isRecorded } from '../../key-materials';
import { keyIdBytesHex } from '../../key-reference';
import {
  createdObjectId,
  planChange,
  type ChangeDetail,
  type MetadataChange,
  type RecordWrite,
} from '../change-plan';
import type {
  ChangedNames,
  CreationIntent,
  Journal,
  MetadataStore,
  RolledBack,
  StoreHealth,
} from '../metadata-store';
import type { MetadataState } from '../metadata-view';
import { legacyConversion } from './legacy-conversion';
import { OutcomeUnknown } from '../outcome-unknown';
import { describeOwner, newOwner, ownerMayBeAlive, retireOwner, sameOwner } from './owner';
import { randomBytes } from 'node:crypto';
import {
  METADATA_APPLICATION,
  aliasLabel,
  encodeIntent,
  encodeSecret,
  intentLabel,
  secretLabel,
} from './records';
import { StoreCore, type TokenStoreOptions } from './store-core';
import { withTurn } from './turn-lock';

export type { TokenStoreOptions } from './store-core';

/** A key the sweeper could not delete is tried again after this long, doubling up to an hour. */
const SWEEP_RETRY_MS = { first: 60_000, max: 3_600_000 };

export class TokenMetadataStore implements MetadataStore {
  private readonly core: StoreCore;
  /** Intent handles of this process's creations in progress, by key id. */
  private readonly intents = new Map<string, string>();
  private readonly owner = newOwner();
  /** Keys the sweeper failed to delete: when to try again, and the delay after that. */
  private readonly sweepRetry = new Map<string, { at: number; delayMs: number }>();

  constructor(options: TokenStoreOptions) {
    this.core = new StoreCore(options);
  }

  private get options(): TokenStoreOptions {
    return this.core.options;
  }

  async open(): Promise<string[]> {
    await this.core.open();
    const problems: string[] = [];
    if (!this.options.readOnly && this.core.records.objectsOf('legacy').length > 0) {
      // Planned under the lock, on the newest records: another process may have converted
      // them, and changed keys since, while this one waited.
      await this.core.locked(async () => {
        const conversion = legacyConversion(this.core.records);
        if (!conversion) return;
        problems.push(...conversion.problems);
        await this.core.commit(conversion.writes, conversion.destroy);
      });
    }
    return problems;
  }

  state(): MetadataState {
    return this.core.records.state();
  }

  onChange(listener: (changed: ChangedNames) => void): void {
    this.core.onChange(listener);
  }

  refresh(): Promise<void> {
    return this.core.refresh();
  }

  apply(change: MetadataChange, journal?: Journal): Promise<ChangeDetail> {
    this.core.assertWritable('change keys');
    return this.core.locked(async () => {
      const plan = planChange(change, this.core.view(), this.options.scope);
      journal?.(plan.detail);
      if (plan.writes.length > 0) await this.core.commit(plan.writes);
      return plan.detail;
    });
  }

  beginCreation(keyId: string): Promise<CreationIntent> {
    this.core.assertWritable('create keys');
    return this.core.exclusive(async () => {
      const label = intentLabel(keyId);
      const value = encodeIntent(keyId, this.owner, this.options.now());
      const handle = await this.core.token.createData(METADATA_APPLICATION, label, value);
      this.core.records.add({ handle, label, value });
      this.intents.set(keyId, handle);
      return { keyId };
    });
  }

  commitCreation(intent: CreationIntent, change: MetadataChange): Promise<ChangeDetail> {
    const handle = this.intents.get(intent.keyId);
    if (!handle || createdObjectId(change) !== intent.keyId)
      throw new Error('commitCreation needs the change that records an intent begun here');
    return this.core.locked(async () => {
      // Another process may have judged this creation dead and rolled it back: then the key
      // objects are gone and the key must not be recorded.
      const [still] = await this.core.token.readData([handle]);
      if (!still || !this.core.records.matches(still)) {
        throw new KmsError(
          'KMSInternalException',
          'The key creation was interrupted and rolled back. Retry the request.',
        );
      }
      const plan = planChange(change, this.core.view(), this.options.scope);
      try {
        await this.core.commit(plan.writes, [handle]);
      } catch (err) {
        // Not known whether the key was recorded: reconcile() reads the token and decides.
        if (err instanceof OutcomeUnknown) this.intents.delete(intent.keyId);
        throw err;
      }
      this.intents.delete(intent.keyId);
      return plan.detail;
    });
  }

  /**
   * Removes the intent of a creation that did not commit, with any alias record its commit got
   * to write. If that fails, the intent is handed over to reconcile().
   */
  async abandonCreation(intent: CreationIntent): Promise<void> {
    const handle = this.intents.get(intent.keyId);
    if (!handle) return;
    try {
      await this.core.locked(() => this.core.commit(this.danglingAliases(intent.keyId), [handle]));
    } finally {
      this.intents.delete(intent.keyId);
    }
  }

  /** Stored alias records naming a key that has no record (a commit that did not finish). */
  private danglingAliases(keyId: string): RecordWrite[] {
    if (this.core.view().key(keyId)) return [];
    const writes: RecordWrite[] = [];
    for (const [name, alias] of this.core.records.state().aliases) {
      if (alias?.keyId === keyId && this.core.records.handlesOf(aliasLabel(name)).length > 0)
        writes.push({ kind: 'removeAlias', name, tombstone: false });
    }
    return writes;
  }

  /** Intents nobody will finish: their owner died, or this process gave up on them. */
  private abandonedIntents() {
    const now = this.options.now();
    return this.core.records
      .objectsOf('intent')
      .filter(
        ({ object }) =>
          !this.intents.has(object.keyId) &&
          (sameOwner(object.owner, this.owner) || !ownerMayBeAlive(object.owner, object.time, now)),
      );
  }

  reconcile(destroyKeyObjects: (locator: KeyLocator) => Promise<void>): Promise<RolledBack[]> {
    if (this.options.readOnly) return Promise.resolve([]);
    const halfAnnounced = this.core.records.generation().value?.writing === true;
    if (this.abandonedIntents().length === 0 && !(halfAnnounced && !this.core.lockHeld()))
      return Promise.resolve([]);
    return this.core.locked(async () => {
      const rolledBack: RolledBack[] = [];
      const writes: RecordWrite[] = [];
      const destroy: string[] = [];
      for (const { handle, object } of this.abandonedIntents()) {
        // Committed once a record holds the id: a key's, or one of its materials'.
        if (!isRecorded(this.core.records.state().keys.values(), object.keyId)) {
          try {
            await destroyKeyObjects({ idHex: keyIdBytesHex(object.keyId) });
          } catch {
            continue; // The intent stays; the next round tries again.
          }
          writes.push(...this.danglingAliases(object.keyId));
          rolledBack.push({ keyId: object.keyId, owner: describeOwner(object.owner) });
        } // else committed: only the intent was left.
        destroy.push(handle);
      }
      // Also closes a change whose writer died between its two generation writes.
      await this.core.commit(writes, destroy);
      return rolledBack;
    });
  }

  sweep(
    now: number,
    destroyKeyObjects: (locator: KeyLocator) => Promise<void>,
    journal: Journal,
    failed?: (keyId: string, err: unknown) => void,
  ): Promise<string[]> {
    if (this.options.readOnly) return Promise.resolve([]);
    const due = (): string[] => {
      const view = this.core.view();
      return [...view.keyIds()].filter((id) => {
        const record = view.key(id);
        const retry = this.sweepRetry.get(id);
        return (
          record?.state === 'PendingDeletion' &&
          (record.deletionDate ?? Infinity) <= now &&
          (!retry || retry.at <= Date.now())
        );
      });
    };
    if (due().length === 0) return Promise.resolve([]);
    return this.core.locked(async () => {
      const deleted: string[] = [];
      for (const keyId of due()) {
        const view = this.core.view();
        const plan = planChange({ kind: 'deleteKey', keyId }, view, this.options.scope);
        journal(plan.detail);
        try {
          // The objects first: a crash after this step leaves a record the next sweep finishes.
          await destroyAllObjects(view.key(keyId) as KeyMetadataRecord, destroyKeyObjects);
          await this.core.commit(plan.writes);
          this.sweepRetry.delete(keyId);
          deleted.push(keyId);
        } catch (err) {
          // One key that cannot be deleted must not hold up the others.
          const delayMs = Math.min(
            (this.sweepRetry.get(keyId)?.delayMs ?? SWEEP_RETRY_MS.first / 2) * 2,
            SWEEP_RETRY_MS.max,
          );
          this.sweepRetry.set(keyId, { at: Date.now() + delayMs, delayMs });
          failed?.(keyId, err);
        }
      }
      return deleted;
    });
  }

  takeTurn<T>(purpose: 'rotation', work: () => Promise<T>): Promise<T | null> {
    return withTurn(this.options.lockDir, this.options.description, purpose, work);
  }

  async creationsInProgress(): Promise<Set<string>> {
    await this.core.exclusive(() => this.core.scan());
    const abandoned = new Set(this.abandonedIntents().map((i) => i.object.keyId));
    return new Set(
      this.core.records
        .objectsOf('intent')
        .map((i) => i.object.keyId)
        .filter((id) => !abandoned.has(id)),
    );
  }

  async ensureSharedSecret(purpose: string): Promise<void> {
    if (this.sharedSecrets(purpose).length > 0) return;
    if (this.options.readOnly) {
      this.options.warn(
        `no shared ${purpose} secret in the token yet: this read-only process uses its own until a writable one makes it`,
      );
      return;
    }
    await this.core.locked(async () => {
      // A full read, not just the generation check: a process that died between making a
      // secret and announcing it left one that only a search finds.
      await this.core.scan();
      if (this.sharedSecrets(purpose).length > 0) return;
      await this.core.token.createData(
        METADATA_APPLICATION,
        secretLabel(purpose),
        encodeSecret(purpose, randomBytes(32)),
      );
      await this.core.commit([]);
      // Made outside the record writer, so read back like any other process's object.
      await this.core.scan();
    });
  }

  sharedSecrets(purpose: string): readonly Buffer[] {
    return this.core.records
      .objectsOf('secret')
      .filter((o) => o.object.purpose === purpose)
      .map((o) => o.object.value)
      .sort(Buffer.compare);
  }

  /** The token is the store: whatever the token thread says decides (readiness, errors). */
  health(): StoreHealth {
    return { ready: true, unusable: null };
  }

  async close(): Promise<void> {
    retireOwner(this.owner);
    await this.core.close();
  }
}
