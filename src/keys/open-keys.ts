// Opens the key side of a process: the metadata store (reading it once), the catalog over it
// and the store of changes; repairs what a crash left and runs the deletion and automatic
// rotation sweepers; and, for a serving gateway, keeps checking for other processes' changes in
// the background.

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { AuditTrail } from '../audit/audit-trail';
import type { QkmsConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { TokenApi, TokenDescription } from '../pkcs11/token-api';
import { loadConfigKeys } from './config-keys';
import { KeyCatalog } from './key-catalog';
import { MarkerCodec } from './marker-codec';
import { KeyStore } from './key-store';
import { Poller } from './poller';
import type { MetadataStore } from './store/metadata-store';
import type { ConfigKeys } from './store/metadata-view';
import { PostgresMetadataStore } from './store/postgres/postgres-store';
import { TokenMetadataStore } from './store/token/token-store';
import type { Secret } from '../config/secret';

/** The metadata store's secret that keys the paging markers. */
const MARKER_SECRET = 'paging-markers';

export interface OpenedKeys {
  readonly catalog: KeyCatalog;
  readonly store: KeyStore;
  readonly metadata: MetadataStore;
  readonly config: ConfigKeys;
  stopPolling(): void;
}

export async function openKeys(parts: {
  readonly token: TokenApi;
  readonly description: TokenDescription;
  readonly config: QkmsConfig;
  readonly log: Logger;
  readonly audit: AuditTrail;
  /** Epoch seconds (tests move it to cross the deletion window). */
  readonly now: (() => number) | undefined;
  /** Whether to keep checking for other processes' changes (a serving gateway does). */
  readonly poll: boolean;
  /** The metadata database's password (metadata.store postgres). */
  readonly postgresPassword: Secret | null;
}): Promise<OpenedKeys> {
  const { token, config, log } = parts;
  const now = parts.now ?? (() => Math.floor(Date.now() / 1000));
  const loaded = await loadConfigKeys(token, config.keys);
  const common = {
    config: loaded.config,
    scope: config.arn,
    readOnly: config.pkcs11.readOnly,
    now,
    warn: (message: string) => log.warn(message),
  };
  const metadata: MetadataStore =
    config.metadata.store === 'postgres'
      ? new PostgresMetadataStore({
          ...common,
          settings: config.metadata.postgres,
          password: parts.postgresPassword,
          refreshSeconds: config.metadata.refreshSeconds,
        })
      : new TokenMetadataStore({
          ...common,
          token,
          description: parts.description,
          lockDir: config.metadata.lockDir ?? tmpdir(),
          lockTimeoutMs: config.metadata.lockTimeoutMs,
        });
  let opened: string[];
  try {
    opened = await metadata.open();
    await metadata.ensureSharedSecret(MARKER_SECRET);
  } catch (err) {
    // Nothing may keep the process alive after a failed start (a pool, a lock file, a watcher).
    await metadata.close().catch(() => undefined);
    throw err;
  }
  const problems = [...loaded.problems, ...opened];
  problems.forEach((problem) => log.warn({ problem }, 'key catalog'));
  // The store's marker keys, shared by every worker and replica: a page from one, the next from
  // another. A read-only process facing a store without one makes markers with its own key
  // until the store has one, and keeps accepting its own.
  const ownKey = randomBytes(32);
  const markers = new MarkerCodec(() => [...metadata.sharedSecrets(MARKER_SECRET), ownKey]);
  const catalog = new KeyCatalog(metadata, loaded.config, token, config.arn, markers);
  const store = new KeyStore(token, metadata, catalog, parts.audit, config.pkcs11.readOnly, now);
  await maintain(store, log);
  const poller = parts.poll
    ? new Poller(
        config.metadata.refreshSeconds * 1000,
        async () => {
          await metadata.refresh();
          await maintain(store, log);
        },
        (err) => log.warn({ err: String(err) }, 'key metadata check failed; retrying'),
      )
    : null;
  return { catalog, store, metadata, config: loaded.config, stopPolling: () => poller?.stop() };
}

/**
 * Repairs what crashes left and runs the deletion and rotation sweepers, every round of every
 * process (the stores serialise them: see KeyStore.sweep and rotateDue); failures are retried.
 */
async function maintain(store: KeyStore, log: Logger): Promise<void> {
  try {
    for (const { keyId, owner } of await store.reconcile())
      log.warn(
        { keyId, owner },
        'key creation interrupted by a crash: its key objects were removed',
      );
    for (const keyId of await store.sweep())
      log.info({ keyId }, 'key deleted: its deletion window has passed');
    for (const keyId of await store.rotateDue())
      log.info({ keyId }, 'key material rotated: its automatic rotation date has passed');
  } catch (err) {
    log.warn({ err: String(err) }, 'key metadata maintenance failed');
  }
}
