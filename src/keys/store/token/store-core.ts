// The consistency machinery of the token store: this process's copy of the records, how it is
// kept current, and how changes are written under the host lock. token-store.ts builds the
// store's operations on it.
//
// Readers learn of changes without rereading every key: a writer on this host announces them
// through the lock file (fs.watch), and every process checks the generation record by its handle
// (one token call) every metadata.refreshSeconds; only when it changed does the process search
// the store again, reading just the objects it has not seen. Own searches and own changes of one
// process run one after the other (exclusive), so a search never overlaps a change it would miss.

import { hostname } from 'node:os';
import { KmsError } from '../../../errors/kms-error';
import { CallTimedOut } from '../../../pkcs11/call-timed-out';
import type { TokenApi, TokenDescription } from '../../../pkcs11/token-api';
import type { ArnScope } from '../../arns';
import type { RecordWrite } from '../change-plan';
import type { ChangedNames } from '../metadata-store';
import { MetadataView, type ConfigKeys } from '../metadata-view';
import { HostLock } from './host-lock';
import { RecordSet } from './record-set';
import { RecordWriter } from './record-writer';
import { METADATA_APPLICATION } from './records';
import { allApplied } from './write-outcome';
import { OutcomeUnknown } from '../outcome-unknown';

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

export class StoreCore {
  readonly records = new RecordSet();
  readonly token: TokenApi;
  private readonly writer: RecordWriter;
  private lock: HostLock | null = null;
  private readonly listeners: ((changed: ChangedNames) => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private checking: Promise<void> | null = null;
  private checkAgain = false;
  /** A write failed in a way that may have left the token unlike this process's copy. */
  private dirty = false;
  /** The announced generation a search was last made for, so one notice costs one search. */
  private searchedFor = 0;
  private readonly foreignWriters = new Set<string>();

  constructor(readonly options: TokenStoreOptions) {
    this.token = options.token;
    this.writer = new RecordWriter(options.token, this.records, options.now);
  }

  /** Opens the lock file and reads every record once. */
  async open(): Promise<void> {
    this.lock = this.openLock();
    await this.scan();
    this.lock?.watch(() => void this.refresh().catch(() => undefined));
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

  view(): MetadataView {
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

  /** Whether some process of this host holds the lock (false without a lock file). */
  lockHeld(): boolean {
    return this.lock?.isHeld() ?? false;
  }

  /** Coalesces checks: notices arriving during one make exactly one more afterwards. */
  refresh(): Promise<void> {
    if (this.checking) {
      this.checkAgain = true;
      return this.checking;
    }
    this.checking = (async () => {
      try {
        for (;;) {
          this.checkAgain = false;
          try {
            // Behind this process's own changes: a search that overlaps one of them would read
            // a state older than what the change has already recorded here.
            await this.exclusive(() => this.check(false));
          } catch (err) {
            if (!this.checkAgain) throw err; // A notice during a failed check gets its own.
          }
          if (!this.checkAgain) break;
        }
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
   * from another host), then search now.
   */
  private async check(underLock: boolean): Promise<void> {
    if (this.dirty) return this.scan();
    const { handles } = this.records.generation();
    const objects = handles.length > 0 ? await this.token.readData(handles) : [];
    // Gone, or (a token may reuse handles) no longer the object we knew by that handle.
    const unchanged = objects.every((o) => o !== null && this.records.matches(o));
    const current = unchanged ? this.records.generation().value : null;
    // The lock file names the newest generation written on this host: a newer one than ours
    // means a generation object we do not know exists (it costs no token call to ask).
    const announced = this.lock?.announced() ?? 0;
    const behind =
      current !== null && announced > current.generation && announced !== this.searchedFor;
    if (current && !current.writing && !behind) return;
    if (behind) this.searchedFor = announced;
    if (current?.writing && !underLock && this.lockHeld()) return;
    await this.scan();
  }

  /** One search for every object of the store, then a read of the ones not seen before. */
  async scan(): Promise<void> {
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
    this.dirty = false;
    this.writer.pruneLeftovers();
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

  assertWritable(what: string): void {
    if (this.options.readOnly) {
      throw new KmsError(
        'UnsupportedOperationException',
        `This gateway is configured read-only (pkcs11.readOnly); it cannot ${what}.`,
      );
    }
  }

  /** Runs `work` after this process's earlier changes and searches. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` holding the host lock, on the newest state. */
  locked<T>(work: () => Promise<T>): Promise<T> {
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

  /**
   * Writes as one announced change and tells this process's listeners. If a token call fails,
   * the answer is decided by what the token then holds (write-outcome.ts): a call that timed
   * out is first waited for, so that whatever it still did (or undid) is seen.
   */
  async commit(writes: readonly RecordWrite[], destroy: readonly string[] = []): Promise<void> {
    try {
      await this.writer.write(writes, destroy);
    } catch (err) {
      const outcome = await this.outcomeOf(writes, err);
      if (outcome === 'unknown') throw new OutcomeUnknown(err);
      if (outcome === 'not made') throw err;
    }
    try {
      this.lock?.announce(this.records.generation().value?.generation ?? 0);
    } catch (err) {
      // The change is made; the others see it at their next check of the generation record.
      this.options.warn(`could not announce a key metadata change: ${String(err)}`);
    }
    this.publish();
  }

  /** After a failed write: reads the token again and says whether the change is there. */
  private async outcomeOf(
    writes: readonly RecordWrite[],
    err: unknown,
  ): Promise<'made' | 'not made' | 'unknown'> {
    this.dirty = true;
    if (err instanceof CallTimedOut && !(await err.settled)) return 'unknown';
    try {
      await this.scan();
    } catch {
      return 'unknown'; // Still dirty: the next check or change searches first.
    }
    return allApplied(writes, this.records.state()) ? 'made' : 'not made';
  }

  async close(): Promise<void> {
    await this.queue;
    this.lock?.close();
    this.lock = null;
  }
}
