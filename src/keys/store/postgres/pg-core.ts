// The PostgreSQL store's machinery: the connection pool, this process's copy of the rows and
// how it follows the database (LISTEN plus a generation poll, re-reading only what a change
// touched), and the transaction every change runs in. postgres-store.ts builds the operations
// on it.

import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { PostgresConfig } from '../../../config/schema';
import type { Secret } from '../../../config/secret';
import type { ArnScope } from '../../arns';
import type { AliasRecord } from '../../key-record';
import type { RecordWrite } from '../change-plan';
import type { ChangedNames, StoreHealth } from '../metadata-store';
import { MetadataView, type ConfigKeys, type MetadataState } from '../metadata-view';
import { OutcomeUnknown } from '../outcome-unknown';
import { advisoryKey } from './advisory-keys';
import { ChangeFeed } from './change-feed';
import { clientConfig, isConnectionError, poolConfig, quoteIdent, unreachable } from './connection';
import { migrate } from './migrations';
import { readRows, writeRow, type Rows } from './rows';

export interface PostgresStoreOptions {
  readonly settings: PostgresConfig;
  readonly password: Secret | null;
  readonly config: ConfigKeys;
  readonly scope: ArnScope;
  /** Read-only: never writes, not even the schema (a missing schema reads as empty). */
  readonly readOnly: boolean;
  /** How often the process polls (metadata.refreshSeconds): readiness allows two polls. */
  readonly refreshSeconds: number;
  /** Epoch seconds. */
  readonly now: () => number;
  readonly warn: (message: string) => void;
}

/** Changes older than this many generations are pruned; a reader further behind reads all. */
const KEEP_CHANGES = 10_000;

export class PgCore {
  private readonly pool: Pool;
  private readonly feed: ChangeFeed;
  /** The schema as SQL text (quoted). */
  readonly schema: string;
  /** Rows of different partitions, accounts and regions share tables, kept apart by this. */
  readonly scopeId: string;
  /** This instance's session lock on the feed connection: held while the process lives. */
  readonly ownerLock = advisoryKey('owner', randomUUID());
  private state: MetadataState = { keys: new Map(), aliases: new Map() };
  /** The generation (and its epoch) this copy is at; -1: nothing read yet. */
  private generation = -1;
  private epoch = '';
  private readonly listeners: ((changed: ChangedNames) => void)[] = [];
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  /** When the last successful sync began: this copy had every change made before then. */
  private freshAt = Date.now();
  private schemaExists = true;

  constructor(readonly options: PostgresStoreOptions) {
    const { settings, password, scope } = options;
    this.schema = quoteIdent(settings.schema);
    this.scopeId = `${scope.partition}:${scope.account}:${scope.region}`;
    this.pool = new Pool(poolConfig(settings, password));
    // An idle pooled connection that breaks must not end the process.
    this.pool.on('error', () => undefined);
    this.feed = new ChangeFeed(clientConfig(settings, password), this.channel(), this.ownerLock, {
      onNotice: () => void this.refresh().catch(() => undefined),
      onDown: () => options.warn('lost the key metadata database; reconnecting'),
    });
  }

  /** The NOTIFY channel: one per schema (LISTEN takes it as an identifier, pg_notify as text). */
  channel(): string {
    return `${this.options.settings.schema}_changes`;
  }

  /** Migrates (unless read-only), starts following changes, reads everything once. */
  async open(): Promise<void> {
    try {
      await this.withClient(async (client) => {
        if (!this.options.readOnly)
          await migrate(client, this.schema, this.options.settings.schema);
        else this.schemaExists = await this.tablesExist(client);
      });
      await this.feed.start();
      await this.sync();
    } catch (err) {
      await this.close();
      // Start-up must say why (a refused password, a TLS failure, no such database); the
      // driver's messages name no secret.
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      throw new Error(
        `cannot open the key metadata database: ${String((cause as Error).message ?? cause)}`,
      );
    }
  }

  /** Whether QKMS's tables are there (a read-only process never makes them). */
  async tablesExist(client: PoolClient): Promise<boolean> {
    const { rows } = await client.query<{ ok: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS ok`,
      [`${this.schema}.generations`],
    );
    return rows[0]?.ok === true;
  }

  current(): MetadataState {
    return this.state;
  }

  view(): MetadataView {
    return new MetadataView(this.state, this.options.config);
  }

  onChange(listener: (changed: ChangedNames) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Ready while notices arrive and the last poll (at most two intervals ago) worked; usable
   * until this copy is older than maxStaleSeconds. A frozen server or a half-open connection
   * shows as polls that stop succeeding.
   */
  health(): StoreHealth {
    const staleMs = Date.now() - this.freshAt;
    const readyWithin =
      this.options.refreshSeconds * 2000 + this.options.settings.statementTimeoutMs;
    const bound = this.options.settings.maxStaleSeconds;
    return {
      ready: this.feed.isConnected() && staleMs <= readyWithin,
      unusable:
        staleMs <= bound * 1000
          ? null
          : `The key metadata database has been unreachable for ${Math.round(staleMs / 1000)} s, longer than metadata.postgres.maxStaleSeconds (${bound}). Retry later.`,
    };
  }

  /** Runs `work` on a pooled connection; failing to get one is a retryable error. */
  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw unreachable(err);
    }
    // The pool stops listening while a connection is lent out; a connection that breaks
    // then must not become an uncaught error that ends the process.
    let broken = false;
    const onError = () => (broken = true);
    client.on('error', onError);
    try {
      return await work(client);
    } catch (err) {
      broken ||= isConnectionError(err);
      throw isConnectionError(err) ? unreachable(err) : err;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Coalesces syncs: notices during one make exactly one more afterwards. */
  refresh(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.sync();
        } while (this.syncAgain);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  /**
   * Brings the state up to the database's generation: one query when nothing changed. The
   * generation, the list of changes and the rows are read in one snapshot, so no prune or
   * change committed in between can come between them.
   */
  private async sync(): Promise<void> {
    const started = Date.now();
    // A read-only process may start before any writable one made the schema: look again
    // each time, so it follows the keys once they exist instead of only after a restart.
    if (!this.schemaExists) this.schemaExists = await this.withClient((c) => this.tablesExist(c));
    if (!this.schemaExists) {
      this.freshAt = started;
      return;
    }
    await this.withClient(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        await this.syncIn(client);
      } finally {
        await client.query('COMMIT').catch(() => undefined);
      }
    });
    this.freshAt = started;
  }

  private async syncIn(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ generation: string; kept_from: string; epoch: string }>(
      `SELECT generation, kept_from, epoch FROM ${this.schema}.generations WHERE scope = $1`,
      [this.scopeId],
    );
    const generation = Number(rows[0]?.generation ?? 0);
    const keptFrom = Number(rows[0]?.kept_from ?? 0);
    const epoch = rows[0]?.epoch ?? '';
    if (generation === this.generation && epoch === this.epoch) return;
    const whole =
      this.generation < 0 ||
      epoch !== this.epoch ||
      generation < this.generation ||
      this.generation + 1 < keptFrom;
    if (whole) {
      this.install(await readRows(client, this.schema, this.scopeId, null), null);
    } else {
      const touched = await client.query<{ kind: string; name: string }>(
        `SELECT DISTINCT kind, name FROM ${this.schema}.changes
         WHERE scope = $1 AND generation > $2 AND generation <= $3`,
        [this.scopeId, this.generation, generation],
      );
      const names = {
        keys: touched.rows.filter((r) => r.kind === 'key').map((r) => r.name),
        aliases: touched.rows.filter((r) => r.kind === 'alias').map((r) => r.name),
      };
      this.install(await readRows(client, this.schema, this.scopeId, names), names);
    }
    this.generation = generation;
    this.epoch = epoch;
  }

  /** Replaces the rows named (or everything) with what was read, and tells the listeners. */
  private install(read: Rows, names: { keys: string[]; aliases: string[] } | null): void {
    const keys = names ? new Map(this.state.keys) : read.keys;
    const aliases = names ? new Map(this.state.aliases) : read.aliases;
    for (const id of names?.keys ?? []) {
      const record = read.keys.get(id);
      if (record) keys.set(id, record);
      else keys.delete(id);
    }
    for (const name of names?.aliases ?? []) {
      if (read.aliases.has(name)) aliases.set(name, read.aliases.get(name) as AliasRecord | null);
      else aliases.delete(name);
    }
    const before = this.state;
    this.state = { keys, aliases };
    const differs = <V>(a: ReadonlyMap<string, V>, b: ReadonlyMap<string, V>) =>
      [...new Set([...a.keys(), ...b.keys()])].filter(
        (k) => a.has(k) !== b.has(k) || JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k)),
      );
    const changed = { keys: differs(before.keys, keys), aliases: differs(before.aliases, aliases) };
    if (changed.keys.length + changed.aliases.length === 0) return;
    for (const listener of this.listeners) listener(changed);
  }

  /**
   * Runs `work` as one transaction after every other writer of the scope (a transaction-scoped
   * advisory lock, so writers of all replicas take turns and deadlocks cannot happen). `work`
   * returns the writes to make, which are recorded and announced with a new generation. If the
   * COMMIT's answer is lost, the change's id is looked up before answering; if even that
   * cannot be done, the answer is OutcomeUnknown.
   */
  async transaction<T>(
    work: (client: PoolClient) => Promise<{ writes: readonly RecordWrite[]; result: T }>,
  ): Promise<T> {
    const changeId = randomUUID();
    let outcome: { result: T; wrote: boolean } | null = null;
    try {
      await this.withClient(async (client) => {
        await client.query('BEGIN');
        try {
          await client.query('SELECT pg_advisory_xact_lock($1)', [
            advisoryKey('write', this.options.settings.schema, this.scopeId),
          ]);
          const { writes, result } = await work(client);
          if (writes.length > 0) await this.record(client, writes, changeId);
          outcome = { result, wrote: writes.length > 0 };
          await client.query('COMMIT');
        } catch (err) {
          if (!outcome) await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      });
    } catch (err) {
      const sent = outcome as { result: T; wrote: boolean } | null;
      if (!sent) throw err; // Failed before COMMIT: the server rolled it back.
      if (sent.wrote) {
        // The COMMIT was sent and its answer lost: the database knows whether it happened.
        const committed = await this.committed(changeId);
        if (committed === null) throw new OutcomeUnknown(err);
        if (!committed) throw err;
      }
    }
    await this.refresh().catch(() => undefined);
    return (outcome as unknown as { result: T }).result;
  }

  /** Writes, then bumps the generation, lists what changed, prunes old entries and notifies. */
  private async record(client: PoolClient, writes: readonly RecordWrite[], changeId: string) {
    const touched = [];
    for (const w of writes) touched.push(await writeRow(client, this.schema, this.scopeId, w));
    const { rows } = await client.query<{ generation: string }>(
      `INSERT INTO ${this.schema}.generations (scope, generation) VALUES ($1, 1)
       ON CONFLICT (scope) DO UPDATE SET generation = ${this.schema}.generations.generation + 1
       RETURNING generation`,
      [this.scopeId],
    );
    const generation = Number(rows[0]?.generation);
    for (const { kind, name } of touched) {
      await client.query(
        `INSERT INTO ${this.schema}.changes (scope, generation, change_id, kind, name)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [this.scopeId, generation, changeId, kind, name],
      );
    }
    if (generation % 100 === 0 && generation > KEEP_CHANGES) {
      const keptFrom = generation - KEEP_CHANGES;
      await client.query(
        `DELETE FROM ${this.schema}.changes WHERE scope = $1 AND generation < $2`,
        [this.scopeId, keptFrom],
      );
      await client.query(`UPDATE ${this.schema}.generations SET kept_from = $2 WHERE scope = $1`, [
        this.scopeId,
        keptFrom,
      ]);
    }
    await client.query('SELECT pg_notify($1, $2)', [this.channel(), this.scopeId]);
  }

  /** Whether a change whose COMMIT answer was lost is in the database; null: cannot tell. */
  private async committed(changeId: string): Promise<boolean | null> {
    try {
      return await this.withClient(async (client) => {
        const { rowCount } = await client.query(
          `SELECT 1 FROM ${this.schema}.changes WHERE change_id = $1 LIMIT 1`,
          [changeId],
        );
        return (rowCount ?? 0) > 0;
      });
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.feed.close();
    await this.pool.end().catch(() => undefined);
  }
}
