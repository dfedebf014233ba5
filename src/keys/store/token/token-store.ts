// The embedded metadata store: records as CKO_DATA objects in the token itself (records.ts),
// nothing extra to run. PKCS#11 has no compare-and-swap, so this store is safe with one
// writing host: every process on the host serialises its changes with the host lock
// (host-lock.ts) and applies each one to the state read under it. Every API change is one
// record write, so a crash leaves it done or not done; the few changes that write several
// records (a key created with aliases, a deletion) order their writes so that the last one
// commits and a crash before it is rolled back by reconcile().
//
// Readers learn of changes without rereading every key: a writer on this host announces them
// through the lock file (fs.watch), and every process polls the generation record by its handle
// (one token call) every metadata.refreshSeconds; only when it changed does the process search
// the store again, reading just the objects it has not seen.

import { hostname } from 'node:os';
import { KmsError } from '../../../errors/kms-error';
import type { KeyLocator, TokenApi, TokenDescription } from '../../../pkcs11/token-api';
import type { ArnScope } from '../../arns';
import { keyIdBytesHex } from '../../key-reference';
import {
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
} from '../metadata-store';
import { MetadataView, type ConfigKeys, type MetadataState } from '../metadata-view';
import { HostLock } from './host-lock';
import { describeOwner, newOwner, ownerMayBeAlive, retireOwner, sameOwner } from './owner';
import { RecordSet } from './record-set';
import { RecordWriter } from './record-writer';
import { METADATA_APPLICATION, aliasLabel, encodeIntent, intentLabel } from './records';
import { legacyConversion } from './legacy-conversion';

export interface TokenStoreOptions {
  readonly token: TokenApi;
  readonly description: TokenDescription;
  readonly config: ConfigKeys;
  readonly scope: ArnScope;
  /** Directory of the host lock file; every writer of this token on the host uses the same. */
  readonly lockDir: string;
  readonly lockTimeoutMs: number;
  readonly readOnly: boolean;
  /** Epoch seconds. */
  readonly now: () => number;
  readonly warn: (message: string) => void;
}

/** Handles are read this many at a time, so one token call stays well inside its deadline. */
const READ_CHUNK = 512;
const SCAN_ATTEMPTS = 5;

export class TokenMetadataStore implements MetadataStore {
  private readonly records = new RecordSet();
  private readonly writer: RecordWriter;
  private readonly token: TokenApi;
  private lock: HostLock | null = null;
  private readonly listeners: ((changed: ChangedNames) => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private checking: Promise<void> | null = null;
  private checkAgain = false;
  /** The announced generation a search was last made for, so one notice costs one search. */
  private searchedFor = 0;
  /** Intent handles of this process's creations in progress, by key id. */
  private readonly intents = new Map<string, string>();
  private readonly owner = newOwner();
  private readonly foreignWriters = new Set<string>();

  constructor(private readonly options: TokenStoreOptions) {
    this.token = options.token;
    this.writer = new RecordWriter(options.token, this.records, options.now);
  }

  async open(): Promise<string[]> {
    this.lock = this.openLock();
    await this.scan();
    const problems: string[] = [];
    if (!this.options.readOnly) {
      const conversion = legacyConversion(this.records);
      if (conversion) {
        problems.push(...conversion.problems);
        await this.locked(() => this.commit(conversion.writes, conversion.destroy));
      }
    }
    this.lock?.watch(() => void this.refresh().catch(() => undefined));
    return problems;
  }

  private openLock(): HostLock | null {
    try {
      return HostLock.open(this.options.lockDir, this.options.description);
    } catch (err) {
      // A read-only gateway never writes; it only loses the probe that tells a live writer
      // from a dead one, and then rereads the store until the writer's change is finished.
      if (this.options.readOnly) return null;
      throw err;
    }
  }

  state(): MetadataState {
    return this.records.state();
  }

  private view(): MetadataView {
    return new MetadataView(this.records.state(), this.options.config);
  }

  onChange(listener: (changed: ChangedNames) => void): void {
    this.listeners.push(listener);
  }

  private publish(): void {
    const changed = this.records.derive();
    if (changed.keys.length === 0 && changed.aliases.length === 0) return;
    for (const listener of this.listeners) listener(changed);
  }

  /** Coalesces checks: notices arriving during one make exactly one more afterwards. */
  refresh(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      try {
        do {
          this.checkAgain = false;
          // Behind this process's own changes: a search that overlaps one of them would read a
          // state older than what the change has already recorded here.
          await this.exclusive(() => this.check(false));
        } while (this.checkAgain);
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  /**
   * Reads the generation objects this process knows, by handle (one token call). A new change
   * replaces them, so one that is gone means "search again". "writing" means a change is under
   * way: wait for its writer's notice, unless nobody holds the lock (the writer died, or writes
   * from another host), then search now. Runs behind this process's own changes (exclusive).
   */
  private async check(underLock: boolean): Promise<void> {
    const { handles } = this.records.generation();
    const objects = handles.length > 0 ? await this.token.readData(handles) : [];
    const current = objects.every((o) => o !== null) ? this.records.generation().value : null;
    // The lock file names the newest generation written on this host: a newer one than ours
    // means a generation object we do not know exists (it costs no token call to ask).
    const announced = this.lock?.announced() ?? 0;
    const behind =
      current !== null && announced > current.generation && announced !== this.searchedFor;
    if (current && !current.writing && !behind) return;
    if (behind) this.searchedFor = announced;
    if (current?.writing && !underLock && this.lock?.isHeld()) return;
    await this.scan();
  }

  /** One search for every object of the store, then a read of the ones not seen before. */
  private async scan(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const handles = await this.token.scanData(METADATA_APPLICATION);
      if (await this.records.sync(handles, (h) => this.readChunked(h))) break;
      if (attempt >= SCAN_ATTEMPTS) {
        throw new KmsError(
          'DependencyTimeoutException',
          'The key metadata kept changing while it was read. Retry the request.',
        );
      }
    }
    this.noteForeignWriter();
    this.publish();
  }

  private async readChunked(handles: readonly string[]) {
    const out = [];
    for (let i = 0; i < handles.length; i += READ_CHUNK)
      out.push(...(await this.token.readData(handles.slice(i, i + READ_CHUNK))));
    return out;
  }

  private noteForeignWriter(): void {
    const generation = this.records.generation().value;
    if (!generation || generation.host === hostname() || this.foreignWriters.has(generation.host))
      return;
    if (this.options.readOnly || this.options.now() - generation.time > 3600) return;
    this.foreignWriters.add(generation.host);
    this.options.warn(
      `key metadata of this token was also written from host ${generation.host}: the token store serialises writers of one host only, so several writing hosts can lose changes (docs/deployment.md)`,
    );
  }

  private assertWritable(what: string): void {
    if (this.options.readOnly) {
      throw new KmsError(
        'UnsupportedOperationException',
        `This gateway is configured read-only (pkcs11.readOnly); it cannot ${what}.`,
      );
    }
  }

  /** Runs `work` after this process's earlier changes. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` holding the host lock, on the newest state. */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const lock = this.lock as HostLock;
      await lock.acquire(this.options.lockTimeoutMs);
      try {
        await this.check(true);
        return await work();
      } finally {
        lock.release();
      }
    });
  }

  /** Writes as one announced change and tells this process's listeners. */
  private async commit(writes: readonly RecordWrite[], destroy: readonly string[] = []) {
    const generation = await this.writer.write(writes, destroy);
    this.lock?.announce(generation);
    this.publish();
  }

  apply(change: MetadataChange, journal?: Journal): Promise<ChangeDetail> {
    this.assertWritable('change keys');
    return this.locked(async () => {
      const plan = planChange(change, this.view(), this.options.scope);
      journal?.(plan.detail);
      if (plan.writes.length > 0) await this.commit(plan.writes);
      return plan.detail;
    });
  }

  async beginCreation(keyId: string): Promise<CreationIntent> {
    this.assertWritable('create keys');
    const label = intentLabel(keyId);
    const value = encodeIntent(keyId, this.owner, this.options.now());
    const handle = await this.token.createData(METADATA_APPLICATION, label, value);
    this.records.add({ handle, label, value });
    this.intents.set(keyId, handle);
    return { keyId };
  }

  commitCreation(intent: CreationIntent, change: MetadataChange): Promise<ChangeDetail> {
    const handle = this.intents.get(intent.keyId);
    if (!handle || change.kind !== 'createKey' || change.record.keyId !== intent.keyId)
      throw new Error('commitCreation needs the createKey change of an intent begun here');
    return this.locked(async () => {
      // Another process may have judged this creation dead and rolled it back: then the key
      // objects are gone and the key must not be recorded.
      const [still] = await this.token.readData([handle]);
      if (!still) {
        throw new KmsError(
          'KMSInternalException',
          'The key creation was interrupted and rolled back. Retry the request.',
        );
      }
      const plan = planChange(change, this.view(), this.options.scope);
      await this.commit(plan.writes, [handle]);
      this.intents.delete(intent.keyId);
      return plan.detail;
    });
  }

  async abandonCreation(intent: CreationIntent): Promise<void> {
    const handle = this.intents.get(intent.keyId);
    if (!handle) return;
    await this.token.destroyData([handle]);
    this.records.remove([handle]);
    this.intents.delete(intent.keyId);
  }

  /** Intents nobody will finish: their owner died, or this process gave up on them. */
  private abandonedIntents() {
    const now = this.options.now();
    return this.records
      .objectsOf('intent')
      .filter(
        ({ object }) =>
          !this.intents.has(object.keyId) &&
          (sameOwner(object.owner, this.owner) || !ownerMayBeAlive(object.owner, object.time, now)),
      );
  }

  reconcile(destroyKeyObjects: (locator: KeyLocator) => Promise<void>): Promise<RolledBack[]> {
    if (this.options.readOnly || !this.lock) return Promise.resolve([]);
    const halfAnnounced = this.records.generation().value?.writing === true;
    if (this.abandonedIntents().length === 0 && !(halfAnnounced && !this.lock.isHeld()))
      return Promise.resolve([]);
    return this.locked(async () => {
      const rolledBack: RolledBack[] = [];
      const writes: RecordWrite[] = [];
      const destroy: string[] = [];
      const view = this.view();
      for (const { handle, object } of this.abandonedIntents()) {
        destroy.push(handle);
        if (view.stored(object.keyId)) continue; // Committed; only the intent was left.
        await destroyKeyObjects({ idHex: keyIdBytesHex(object.keyId) });
        // Aliases written by a commit that did not reach the key record.
        for (const [name, alias] of this.records.state().aliases) {
          if (alias?.keyId === object.keyId && this.records.handlesOf(aliasLabel(name)).length > 0)
            writes.push({ kind: 'removeAlias', name, tombstone: false });
        }
        rolledBack.push({ keyId: object.keyId, owner: describeOwner(object.owner) });
      }
      // Also closes a change whose writer died between its two generation writes.
      await this.commit(writes, destroy);
      return rolledBack;
    });
  }

  sweep(
    now: number,
    destroyKeyObjects: (locator: KeyLocator) => Promise<void>,
    journal: Journal,
  ): Promise<string[]> {
    if (this.options.readOnly) return Promise.resolve([]);
    const due = (view: MetadataView): string[] =>
      [...view.keyIds()].filter((id) => {
        const record = view.key(id);
        return record?.state === 'PendingDeletion' && (record.deletionDate ?? Infinity) <= now;
      });
    if (due(this.view()).length === 0) return Promise.resolve([]);
    return this.locked(async () => {
      const deleted: string[] = [];
      for (const keyId of due(this.view())) {
        const view = this.view();
        const plan = planChange({ kind: 'deleteKey', keyId }, view, this.options.scope);
        journal(plan.detail);
        await destroyKeyObjects((view.key(keyId) as { locator: KeyLocator }).locator);
        await this.commit(plan.writes);
        deleted.push(keyId);
      }
      return deleted;
    });
  }

  async creationsInProgress(): Promise<Set<string>> {
    await this.exclusive(() => this.scan());
    const abandoned = new Set(this.abandonedIntents().map((i) => i.object.keyId));
    return new Set(
      this.records
        .objectsOf('intent')
        .map((i) => i.object.keyId)
        .filter((id) => !abandoned.has(id)),
    );
  }

  async close(): Promise<void> {
    await this.queue;
    retireOwner(this.owner);
    this.lock?.close();
    this.lock = null;
  }
}
