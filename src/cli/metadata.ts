// `qkms metadata migrate --from token|postgres --to postgres|token [--dry-run]`: copies key
// records and aliases (tombstones included) from one metadata store to the other, as one change
// of the target store. It writes only what differs, so running it again changes nothing, and it
// never deletes what only the target holds (it says so). Key material stays in the HSM: both
// stores name the same key objects. The audit trail is not touched.

import { tmpdir } from 'node:os';
import type { LoadedConfig } from '../config/load';
import { openToken } from '../gateway';
import type { AliasRecord, KeyMetadataRecord } from '../keys/key-record';
import type { MetadataStore } from '../keys/store/metadata-store';
import { PostgresMetadataStore } from '../keys/store/postgres/postgres-store';
import { TokenMetadataStore } from '../keys/store/token/token-store';
import type { TokenApi, TokenDescription } from '../pkcs11/token-api';

export type StoreKind = 'token' | 'postgres';

export interface MigrateArgs {
  readonly from: StoreKind;
  readonly to: StoreKind;
  readonly dryRun: boolean;
}

function open(
  kind: StoreKind,
  loaded: LoadedConfig,
  token: TokenApi,
  description: TokenDescription,
  readOnly: boolean,
): MetadataStore {
  const { config } = loaded;
  const common = {
    config: { keys: new Map(), aliases: new Map() },
    scope: config.arn,
    // A source is only read; a dry run's target too (no schema made, no old records converted).
    readOnly,
    now: () => Math.floor(Date.now() / 1000),
    warn: (message: string) => console.error(`warning: ${message}`),
  };
  if (kind === 'postgres') {
    if (!config.metadata.postgres.url)
      throw new Error('metadata.postgres.url is not set: nowhere to migrate from or to');
    return new PostgresMetadataStore({
      ...common,
      settings: config.metadata.postgres,
      password: loaded.postgresPassword,
      refreshSeconds: config.metadata.refreshSeconds,
    });
  }
  return new TokenMetadataStore({
    ...common,
    token,
    description,
    lockDir: config.metadata.lockDir ?? tmpdir(),
    lockTimeoutMs: config.metadata.lockTimeoutMs,
  });
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export async function runMetadataMigrate(loaded: LoadedConfig, args: MigrateArgs): Promise<number> {
  if (args.from === args.to) throw new Error('--from and --to must name different stores');
  const { config, pin } = loaded;
  const { client, token, description } = await openToken(config, pin);
  const opened: MetadataStore[] = [];
  try {
    // Config-adopted keys stay in the config file (an empty overlay here): stored records move.
    const source = open(args.from, loaded, token, description, true);
    opened.push(source);
    await source.open();
    const target = open(args.to, loaded, token, description, args.dryRun);
    opened.push(target);
    await target.open();
    const from = source.state();
    const to = target.state();
    const keys: KeyMetadataRecord[] = [...from.keys.values()].filter(
      (record) => !same(record, to.keys.get(record.keyId)),
    );
    const aliases: [string, AliasRecord | null][] = [...from.aliases].filter(
      ([name, alias]) => !to.aliases.has(name) || !same(alias, to.aliases.get(name)),
    );
    const onlyInTarget = [...to.keys.keys()].filter((id) => !from.keys.has(id));
    for (const record of keys)
      console.log(`key\t${record.keyId}\t${to.keys.has(record.keyId) ? 'update' : 'add'}`);
    for (const [name, alias] of aliases)
      console.log(
        `alias\t${name}\t${alias ? alias.keyId : '(deleted)'}\t${to.aliases.has(name) ? 'update' : 'add'}`,
      );
    for (const id of onlyInTarget) console.log(`key\t${id}\tonly in ${args.to}: left as it is`);
    const unchanged = from.keys.size - keys.length;
    console.error(
      `${args.dryRun ? 'would write' : 'writing'} ${keys.length} key(s) and ${aliases.length} alias(es) from ${args.from} to ${args.to}; ${unchanged} key(s) already the same there`,
    );
    if (!args.dryRun && keys.length + aliases.length > 0)
      await target.apply({ kind: 'restore', keys, aliases });
    return 0;
  } finally {
    for (const store of opened.reverse()) await store.close().catch(() => undefined);
    await client.shutdown();
  }
}
