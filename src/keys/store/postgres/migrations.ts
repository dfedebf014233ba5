// The PostgreSQL store's schema, created and migrated by QKMS itself. Each migration runs once,
// in its own transaction, recorded in <schema>.migrations; a session-level advisory lock makes
// replicas that start together take turns, so each migration runs exactly once.

import type { PoolClient } from 'pg';
import { advisoryKey } from './advisory-keys';

/** Numbered steps, never edited once released: a change to the schema is a new step. */
const MIGRATIONS: readonly ((schema: string) => string)[] = [
  (s) => `
    CREATE TABLE ${s}.keys (
      scope text NOT NULL,
      key_id uuid NOT NULL,
      record jsonb NOT NULL,
      PRIMARY KEY (scope, key_id)
    );
    -- key_id NULL: a tombstone, hiding an alias the config file declares.
    CREATE TABLE ${s}.aliases (
      scope text NOT NULL,
      name text NOT NULL,
      key_id uuid,
      creation_date bigint NOT NULL,
      last_updated_date bigint NOT NULL,
      PRIMARY KEY (scope, name)
    );
    CREATE INDEX aliases_by_key ON ${s}.aliases (scope, key_id);
    CREATE TABLE ${s}.intents (
      scope text NOT NULL,
      key_id uuid NOT NULL,
      owner text NOT NULL,
      owner_lock bigint NOT NULL,
      created bigint NOT NULL,
      PRIMARY KEY (scope, key_id)
    );
    -- One counter per scope, bumped by every change; readers poll it.
    CREATE TABLE ${s}.generations (
      scope text PRIMARY KEY,
      generation bigint NOT NULL,
      -- Changes below this generation are pruned: a reader behind it reads everything again.
      kept_from bigint NOT NULL DEFAULT 0,
      -- Made anew with the row: a restored backup or a failover that moves the counter back
      -- shows as another epoch, and readers read everything again.
      epoch uuid NOT NULL DEFAULT gen_random_uuid()
    );
    -- What each change touched, so readers re-read only that.
    CREATE TABLE ${s}.changes (
      scope text NOT NULL,
      generation bigint NOT NULL,
      change_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('key', 'alias')),
      name text NOT NULL,
      PRIMARY KEY (scope, generation, kind, name)
    );
    CREATE INDEX changes_by_id ON ${s}.changes (change_id);
    -- Random secrets every replica shares (the paging markers' key).
    CREATE TABLE ${s}.secrets (
      scope text NOT NULL,
      purpose text NOT NULL,
      value bytea NOT NULL,
      PRIMARY KEY (scope, purpose)
    );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema (`schema` as it appears in SQL, quoted) to the newest version; safe when
 * several processes start at once. `name` is the bare name, for the lock.
 */
export async function migrate(client: PoolClient, schema: string, name: string): Promise<number> {
  const lock = advisoryKey('migrate', name);
  await client.query('SELECT pg_advisory_lock($1)', [lock]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(
      `SELECT coalesce(max(version), 0) AS version FROM ${schema}.migrations`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `the database schema ${name} is at version ${current}, newer than this QKMS knows (${SCHEMA_VERSION}): upgrade QKMS`,
      );
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      await client.query('BEGIN');
      try {
        await client.query((MIGRATIONS[version - 1] as (s: string) => string)(schema));
        await client.query(`INSERT INTO ${schema}.migrations (version) VALUES ($1)`, [version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
    return SCHEMA_VERSION;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lock]);
  }
}
