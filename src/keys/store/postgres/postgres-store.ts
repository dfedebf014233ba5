// The metadata store for replicas on several hosts: rows in PostgreSQL (13 or later). Every
// change is one transaction that reads the rows it involves, plans the change against them
// (change-plan.ts, the same rules as the token store) and writes; writers of every replica take
// turns (pg-core.ts). A key creation is bracketed by an intent row naming its owner's session
// lock; a replica whose session is gone has died, and reconcile() rolls its creation back. The
// deletion sweeper runs on one replica at a time (a session advisory lock) and destroys a key's
// objects in the transaction that removes its row, after reading that the window has passed.

import { randomBytes } from 'node:crypto';
import type { PoolClient } from 'pg';
import { KmsError } from '../../../errors/kms-error';
import type { KeyLocator } from '../../../pkcs11/token-api';
import { destroyKeyObjects as destroyAllObjects } from '../../key-materials';
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
import { MetadataView, type MetadataState } from '../metadata-view';
import { advisoryKey } from './advisory-keys';
import { PgCore, type PostgresStoreOptions } from './pg-core';
import { aliasNamesOf, isRecordedRow, readRows } from './rows';

export type { PostgresStoreOptions } from './pg-core';

/** The rows a change involves, for planning it against the newest values. */
function involved(change: MetadataChange): { keys: string[]; aliases: string[] } {
  switch (change.kind) {
    case 'createKey':
      return { keys: [change.record.keyId], aliases: change.aliases.map((a) => a.name) };
    case 'updateKey':
    case 'addMaterial':
    case 'deleteKey':
      return { keys: [change.keyId], aliases: [] };
    case 'createAlias':
      return { keys: [change.alias.keyId], aliases: [change.alias.name] };
    case 'updateAlias':
      return { keys: [change.keyId], aliases: [change.name] };
    case 'deleteAlias':
      return { keys: [], aliases: [change.name] };
    case 'restore':
      return { keys: [], aliases: [] };
  }
}

export class PostgresMetadataStore implements MetadataStore {
  private readonly core: PgCore;
  /** Key ids of this process's creations in progress. */
  private readonly inFlight = new Set<string>();
  /** Shared secrets by purpose, as read by ensureSharedSecret. */
  private readonly secrets = new Map<string, Buffer>();
  /** Purposes a read-only process found no secret for: looked for again at each poll. */
  private readonly missingSecrets = new Set<string>();

  constructor(options: PostgresStoreOptions) {
    this.core = new PgCore(options);
  }

  private get options(): PostgresStoreOptions {
    return this.core.options;
  }

  private get schema(): string {
    return this.core.schema;
  }

  async open(): Promise<string[]> {
    await this.core.open();
    return [];
  }

  state(): MetadataState {
    return this.core.current();
  }

  onChange(listener: (changed: ChangedNames) => void): void {
    this.core.onChange(listener);
  }

  async refresh(): Promise<void> {
    await this.core.refresh();
    for (const purpose of [...this.missingSecrets]) {
      // Best effort: the refresh itself succeeded, and the next one looks again.
      const value = await this.core
        .withClient((client) => this.readSecret(client, purpose))
        .catch(() => undefined);
      if (value) {
        this.secrets.set(purpose, value);
        this.missingSecrets.delete(purpose);
      }
    }
  }

  health(): StoreHealth {
    return this.core.health();
  }

  private assertWritable(what: string): void {
    if (this.options.readOnly) {
      throw new KmsError(
        'UnsupportedOperationException',
        `This gateway is configured read-only (pkcs11.readOnly); it cannot ${what}.`,
      );
    }
  }

  /** The newest values of the rows `change` involves (and the keys their aliases name). */
  private async viewFor(client: PoolClient, change: MetadataChange): Promise<MetadataView> {
    const names = involved(change);
    if (change.kind === 'deleteKey')
      names.aliases.push(
        ...(await aliasNamesOf(client, this.schema, this.core.scopeId, change.keyId)),
      );
    const rows = await readRows(client, this.schema, this.core.scopeId, names);
    const aliasKeys = [...rows.aliases.values()]
      .map((a) => a?.keyId)
      .filter((id): id is string => id !== undefined && !rows.keys.has(id));
    if (aliasKeys.length > 0) {
      const more = await readRows(client, this.schema, this.core.scopeId, {
        keys: aliasKeys,
        aliases: [],
      });
      for (const [id, record] of more.keys) rows.keys.set(id, record);
    }
    return new MetadataView(rows, this.options.config);
  }

  /** Plans `change` on the newest rows, journals it, and returns its writes. */
  private async planned(client: PoolClient, change: MetadataChange, journal?: Journal) {
    const plan = planChange(change, await this.viewFor(client, change), this.options.scope);
    journal?.(plan.detail);
    return plan;
  }

  apply(change: MetadataChange, journal?: Journal): Promise<ChangeDetail> {
    this.assertWritable('change keys');
    return this.core.transaction(async (client) => {
      const plan = await this.planned(client, change, journal);
      return { writes: plan.writes, result: plan.detail };
    });
  }

  async beginCreation(keyId: string): Promise<CreationIntent> {
    this.assertWritable('create keys');
    await this.core.withClient((client) =>
      client.query(
        `INSERT INTO ${this.schema}.intents (scope, key_id, owner, owner_lock, created)
         VALUES ($1, $2, $3, $4, $5)`,
        [this.core.scopeId, keyId, 'qkms', this.core.ownerLock, this.options.now()],
      ),
    );
    this.inFlight.add(keyId);
    return { keyId };
  }

  commitCreation(intent: CreationIntent, change: MetadataChange): Promise<ChangeDetail> {
    if (createdObjectId(change) !== intent.keyId)
      throw new Error('commitCreation needs the change that records its intent');
    return this.core
      .transaction(async (client) => {
        // Another replica may have judged this creation dead and claimed it to roll it back.
        const still = await client.query(
          `DELETE FROM ${this.schema}.intents WHERE scope = $1 AND key_id = $2 AND owner_lock = $3`,
          [this.core.scopeId, intent.keyId, this.core.ownerLock],
        );
        if ((still.rowCount ?? 0) === 0) {
          throw new KmsError(
            'KMSInternalException',
            'The key creation was interrupted and rolled back. Retry the request.',
          );
        }
        const plan = await this.planned(client, change);
        return { writes: plan.writes, result: plan.detail };
      })
      .finally(() => this.inFlight.delete(intent.keyId));
  }

  async abandonCreation(intent: CreationIntent): Promise<void> {
    this.inFlight.delete(intent.keyId);
    await this.core.transaction(async (client) => {
      await client.query(
        `DELETE FROM ${this.schema}.intents WHERE scope = $1 AND key_id = $2 AND owner_lock = $3`,
        [this.core.scopeId, intent.keyId, this.core.ownerLock],
      );
      return { writes: await this.danglingAliases(client, intent.keyId), result: undefined };
    });
  }

  /** Alias rows naming a key that has no row (a creation that did not commit). */
  private async danglingAliases(client: PoolClient, keyId: string): Promise<RecordWrite[]> {
    const rows = await readRows(client, this.schema, this.core.scopeId, {
      keys: [keyId],
      aliases: [],
    });
    if (rows.keys.has(keyId)) return [];
    const names = await aliasNamesOf(client, this.schema, this.core.scopeId, keyId);
    return names.map((name) => ({ kind: 'removeAlias', name, tombstone: false }));
  }

  /** Intents whose owner's database session is gone: its process died (or lost the database). */
  private async abandonedIntents(client: PoolClient): Promise<{ keyId: string; lock: string }[]> {
    const { rows } = await client.query<{ key_id: string; owner_lock: string }>(
      `SELECT key_id, owner_lock FROM ${this.schema}.intents WHERE scope = $1`,
      [this.core.scopeId],
    );
    const out: { keyId: string; lock: string }[] = [];
    for (const row of rows) {
      if (this.inFlight.has(row.key_id)) continue;
      if (row.owner_lock === this.core.ownerLock) {
        out.push({ keyId: row.key_id, lock: row.owner_lock }); // given up on here
        continue;
      }
      const { rows: got } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS ok',
        [row.owner_lock],
      );
      if (got[0]?.ok) {
        await client.query('SELECT pg_advisory_unlock($1)', [row.owner_lock]);
        out.push({ keyId: row.key_id, lock: row.owner_lock });
      }
    }
    return out;
  }

  /**
   * Rolls back creations whose replica is gone. Each is first claimed (its intent now names this
   * replica) in a committed transaction, so the owner, should it be alive after all, can no
   * longer commit it; then its key objects are destroyed; then the intent and any alias rows it
   * left go. A failure part-way leaves the claim for the next round (this replica's, or, if it
   * died too, another's).
   */
  async reconcile(
    destroyKeyObjects: (locator: KeyLocator) => Promise<void>,
  ): Promise<RolledBack[]> {
    if (this.options.readOnly) return [];
    const abandoned = await this.core.withClient((client) => this.abandonedIntents(client));
    const rolledBack: RolledBack[] = [];
    for (const { keyId, lock } of abandoned) {
      try {
        const claimed = await this.core.transaction(async (client) => {
          const { rowCount } = await client.query(
            `UPDATE ${this.schema}.intents SET owner_lock = $4
             WHERE scope = $1 AND key_id = $2 AND owner_lock = $3`,
            [this.core.scopeId, keyId, lock, this.core.ownerLock],
          );
          // A key's id, or a rotation's material id that some key's row lists.
          const recorded = await isRecordedRow(client, this.schema, this.core.scopeId, keyId);
          const result = (rowCount ?? 0) > 0 ? { recorded } : null;
          return { writes: [], result };
        });
        if (!claimed) continue;
        // Recorded before its intent could be removed: the key stays, only the intent goes.
        if (!claimed.recorded) await destroyKeyObjects({ idHex: keyIdBytesHex(keyId) });
        await this.core.transaction(async (client) => {
          await client.query(
            `DELETE FROM ${this.schema}.intents WHERE scope = $1 AND key_id = $2 AND owner_lock = $3`,
            [this.core.scopeId, keyId, this.core.ownerLock],
          );
          return { writes: await this.danglingAliases(client, keyId), result: undefined };
        });
        if (!claimed.recorded)
          rolledBack.push({ keyId, owner: 'a replica whose database session ended' });
      } catch {
        // Left for the next round.
      }
    }
    return rolledBack;
  }

  async sweep(
    now: number,
    destroyKeyObjects: (locator: KeyLocator) => Promise<void>,
    journal: Journal,
    failed?: (keyId: string, err: unknown) => void,
  ): Promise<string[]> {
    if (this.options.readOnly) return [];
    const view = new MetadataView(this.state(), this.options.config);
    const due = [...view.keyIds()].filter((id) => {
      const record = this.state().keys.get(id);
      return record?.state === 'PendingDeletion' && (record.deletionDate ?? Infinity) <= now;
    });
    const deleted: string[] = [];
    for (const keyId of due) {
      try {
        const done = await this.core.transaction(async (tx) => {
          // One sweeper at a time over every replica; the others skip the key.
          const { rows } = await tx.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_xact_lock($1) AS ok',
            [advisoryKey('sweep', this.options.settings.schema, this.core.scopeId)],
          );
          if (!rows[0]?.ok) return { writes: [], result: false };
          const fresh = await this.viewFor(tx, { kind: 'deleteKey', keyId });
          const record = fresh.key(keyId);
          // The row, read afresh, must still say the window has passed. CancelKeyDeletion is
          // refused from then on, so a destroy that outlives a failed COMMIT is finished by the
          // next sweep, never undone.
          if (record?.state !== 'PendingDeletion' || (record.deletionDate ?? Infinity) > now)
            return { writes: [], result: false };
          const plan = planChange({ kind: 'deleteKey', keyId }, fresh, this.options.scope);
          journal(plan.detail);
          await destroyAllObjects(record, destroyKeyObjects);
          return { writes: plan.writes, result: true };
        });
        if (done) deleted.push(keyId);
      } catch (err) {
        failed?.(keyId, err);
      }
    }
    return deleted;
  }

  /** One replica at a time: a session advisory lock, released with the work or the session. */
  takeTurn<T>(purpose: 'rotation', work: () => Promise<T>): Promise<T | null> {
    return this.core.withClient(async (client) => {
      const key = advisoryKey(purpose, this.options.settings.schema, this.core.scopeId);
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS ok',
        [key],
      );
      if (!rows[0]?.ok) return null;
      try {
        return await work();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      }
    });
  }

  async creationsInProgress(): Promise<Set<string>> {
    return this.core.withClient(async (client) => {
      const abandoned = new Set((await this.abandonedIntents(client)).map((a) => a.keyId));
      const { rows } = await client.query<{ key_id: string }>(
        `SELECT key_id FROM ${this.schema}.intents WHERE scope = $1`,
        [this.core.scopeId],
      );
      return new Set(rows.map((r) => r.key_id).filter((id) => !abandoned.has(id)));
    });
  }

  async ensureSharedSecret(purpose: string): Promise<void> {
    const value = await this.core.withClient(async (client) => {
      if (!this.options.readOnly) {
        // The first replica's secret stays: the others' inserts do nothing.
        await client.query(
          `INSERT INTO ${this.schema}.secrets (scope, purpose, value) VALUES ($1, $2, $3)
           ON CONFLICT (scope, purpose) DO NOTHING`,
          [this.core.scopeId, purpose, randomBytes(32)],
        );
      }
      return this.readSecret(client, purpose);
    });
    if (value) {
      this.secrets.set(purpose, value);
      return;
    }
    this.missingSecrets.add(purpose);
    this.options.warn(
      `no shared ${purpose} secret in the database yet: this read-only process uses its own until a writable one makes it`,
    );
  }

  /** The secret for `purpose`, if there is one (a read-only process may find no schema yet). */
  private async readSecret(client: PoolClient, purpose: string): Promise<Buffer | undefined> {
    if (this.options.readOnly && !(await this.core.tablesExist(client))) return undefined;
    const { rows } = await client.query<{ value: Buffer }>(
      `SELECT value FROM ${this.schema}.secrets WHERE scope = $1 AND purpose = $2`,
      [this.core.scopeId, purpose],
    );
    return rows[0]?.value;
  }

  /** One per purpose: the primary key (scope, purpose) allows no second, and none is changed. */
  sharedSecrets(purpose: string): readonly Buffer[] {
    const value = this.secrets.get(purpose);
    return value ? [value] : [];
  }

  close(): Promise<void> {
    return this.core.close();
  }
}
