// Reading and writing key and alias rows of one scope (partition:account:region). Records are
// parsed on the way in like any stored input (record-validation.ts): a damaged row is skipped.

import type { PoolClient } from 'pg';
import type { AliasRecord, KeyMetadataRecord } from '../../key-record';
import type { RecordWrite } from '../change-plan';
import { parseKeyRecord } from '../record-validation';

export interface Rows {
  readonly keys: Map<string, KeyMetadataRecord>;
  /** null: a tombstone. */
  readonly aliases: Map<string, AliasRecord | null>;
}

interface AliasRow {
  name: string;
  key_id: string | null;
  creation_date: string;
  last_updated_date: string;
}

const aliasOf = (row: AliasRow): AliasRecord | null =>
  row.key_id === null
    ? null
    : {
        name: row.name,
        keyId: row.key_id,
        creationDate: Number(row.creation_date),
        lastUpdatedDate: Number(row.last_updated_date),
      };

/** The rows named (all of them when `names` is null). */
export async function readRows(
  client: PoolClient,
  schema: string,
  scope: string,
  names: { keys: readonly string[]; aliases: readonly string[] } | null,
): Promise<Rows> {
  const keyRows = await client.query<{ key_id: string; record: unknown }>(
    names
      ? `SELECT key_id, record FROM ${schema}.keys WHERE scope = $1 AND key_id = ANY($2::uuid[])`
      : `SELECT key_id, record FROM ${schema}.keys WHERE scope = $1`,
    names ? [scope, names.keys] : [scope],
  );
  const aliasRows = await client.query<AliasRow>(
    names
      ? `SELECT name, key_id, creation_date, last_updated_date FROM ${schema}.aliases WHERE scope = $1 AND name = ANY($2::text[])`
      : `SELECT name, key_id, creation_date, last_updated_date FROM ${schema}.aliases WHERE scope = $1`,
    names ? [scope, names.aliases] : [scope],
  );
  const keys = new Map<string, KeyMetadataRecord>();
  for (const row of keyRows.rows) {
    const record = parseKeyRecord(row.record);
    if (record && record.keyId === row.key_id) keys.set(record.keyId, record);
  }
  const aliases = new Map<string, AliasRecord | null>();
  for (const row of aliasRows.rows) aliases.set(row.name, aliasOf(row));
  return { keys, aliases };
}

/** Whether a key row has id `id`, or lists `id` among its materials (a committed rotation). */
export async function isRecordedRow(
  client: PoolClient,
  schema: string,
  scope: string,
  id: string,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM ${schema}.keys
     WHERE scope = $1 AND (key_id = $2::uuid OR record->'materials' @> $3::jsonb) LIMIT 1`,
    [scope, id, JSON.stringify([{ materialId: id }])],
  );
  return (rowCount ?? 0) > 0;
}

/** Names of every alias row (tombstones too) that names `keyId`. */
export async function aliasNamesOf(
  client: PoolClient,
  schema: string,
  scope: string,
  keyId: string,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT name FROM ${schema}.aliases WHERE scope = $1 AND key_id = $2`,
    [scope, keyId],
  );
  return rows.map((r) => r.name);
}

/** Runs one planned write; returns what it touched, for the change feed. */
export async function writeRow(
  client: PoolClient,
  schema: string,
  scope: string,
  w: RecordWrite,
): Promise<{ kind: 'key' | 'alias'; name: string }> {
  switch (w.kind) {
    case 'putKey':
      await client.query(
        `INSERT INTO ${schema}.keys (scope, key_id, record) VALUES ($1, $2, $3)
         ON CONFLICT (scope, key_id) DO UPDATE SET record = EXCLUDED.record`,
        [scope, w.record.keyId, JSON.stringify(w.record)],
      );
      return { kind: 'key', name: w.record.keyId };
    case 'removeKey':
      await client.query(`DELETE FROM ${schema}.keys WHERE scope = $1 AND key_id = $2`, [
        scope,
        w.keyId,
      ]);
      return { kind: 'key', name: w.keyId };
    case 'putAlias':
      await upsertAlias(client, schema, scope, w.alias.name, w.alias);
      return { kind: 'alias', name: w.alias.name };
    case 'removeAlias':
      if (w.tombstone) await upsertAlias(client, schema, scope, w.name, null);
      else
        await client.query(`DELETE FROM ${schema}.aliases WHERE scope = $1 AND name = $2`, [
          scope,
          w.name,
        ]);
      return { kind: 'alias', name: w.name };
  }
}

function upsertAlias(
  client: PoolClient,
  schema: string,
  scope: string,
  name: string,
  alias: AliasRecord | null,
) {
  return client.query(
    `INSERT INTO ${schema}.aliases (scope, name, key_id, creation_date, last_updated_date)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (scope, name) DO UPDATE SET key_id = EXCLUDED.key_id,
       creation_date = EXCLUDED.creation_date, last_updated_date = EXCLUDED.last_updated_date`,
    [scope, name, alias?.keyId ?? null, alias?.creationDate ?? 0, alias?.lastUpdatedDate ?? 0],
  );
}
