// One contract, every store: the same cases run against the token store (on the real SoftHSM
// test token) and the PostgreSQL store (on the real test server). Two instances of a store stand
// for two processes (the token store's share one host lock; the PostgreSQL store's one
// database). The cases are about metadata: key objects are not made here, and the sweeper's and
// reconcile's "destroy key objects" is recorded instead.

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load';
import { KmsError } from '../../src/errors/kms-error';
import type { AliasRecord } from '../../src/keys/key-record';
import type { MetadataChange } from '../../src/keys/store/change-plan';
import type { MetadataStore } from '../../src/keys/store/metadata-store';
import { NO_CONFIG_KEYS } from '../../src/keys/store/metadata-view';
import { PostgresMetadataStore } from '../../src/keys/store/postgres/postgres-store';
import { TokenMetadataStore } from '../../src/keys/store/token/token-store';
import { eventually } from '../support/eventually';
import { keyRecord, SCOPE } from '../support/key-records';
import { testDatabase } from '../support/postgres-server';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
}, 60_000);
afterAll(() => t?.close());

/** What a test may vary about a store process. */
interface ProcessOptions {
  readonly readOnly?: boolean;
  readonly warn?: (message: string) => void;
}
type Factory = () => { make(options?: ProcessOptions): MetadataStore };

const STORES: [string, Factory][] = [
  [
    'token',
    () => {
      const lockDir = mkdtempSync(join(tmpdir(), 'qkms-contract-'));
      return {
        make: (options: ProcessOptions = {}) =>
          new TokenMetadataStore({
            token: t.gateway.token,
            description: t.gateway.description,
            config: NO_CONFIG_KEYS,
            scope: SCOPE,
            lockDir,
            lockTimeoutMs: 5000,
            readOnly: options.readOnly ?? false,
            now: () => 1000,
            warn: options.warn ?? (() => undefined),
          }),
      };
    },
  ],
  [
    'postgres',
    () => {
      const { env } = testDatabase('contract');
      const { config, postgresPassword } = loadConfig(undefined, {
        ...env,
        QKMS_PIN: 'unused',
        QKMS_TOKEN_LABEL: 'unused',
        QKMS_AUTH_MODE: 'none',
      });
      return {
        make: (options: ProcessOptions = {}) =>
          new PostgresMetadataStore({
            settings: config.metadata.postgres,
            password: postgresPassword,
            refreshSeconds: 1,
            config: NO_CONFIG_KEYS,
            scope: SCOPE,
            readOnly: options.readOnly ?? false,
            now: () => 1000,
            warn: options.warn ?? (() => undefined),
          }),
      };
    },
  ],
];

const alias = (name: string, keyId: string): AliasRecord => ({
  name,
  keyId,
  creationDate: 1,
  lastUpdatedDate: 1,
});
const createKey = (keyId: string, aliases: string[] = []): MetadataChange => ({
  kind: 'createKey',
  record: keyRecord(keyId),
  aliases: aliases.map((name) => alias(name, keyId)),
});
const tag = (keyId: string, key: string): MetadataChange => ({
  kind: 'updateKey',
  operation: 'TagResource',
  keyId,
  edit: (r) => ({ ...r, tags: [...r.tags, { TagKey: key, TagValue: key }] }),
});
const unique = (prefix: string) => `alias/${prefix}-${randomUUID().slice(0, 8)}`;

describe.each(STORES)('the %s store', (_name, factory) => {
  let stores: MetadataStore[];
  let a: MetadataStore;
  let b: MetadataStore;
  /** Another instance over the same token and lock directory, or the same database. */
  let make: (options?: ProcessOptions) => MetadataStore;

  beforeAll(async () => {
    make = factory().make;
    stores = [make(), make()];
    [a, b] = stores as [MetadataStore, MetadataStore];
    for (const s of stores) await s.open();
  }, 30_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it('keeps every one of many concurrent changes to one key from two processes', async () => {
    const keyId = randomUUID();
    await a.apply(createKey(keyId));
    const tags = Array.from({ length: 16 }, (_, i) => `t${i}`);
    await Promise.all(tags.map((k, i) => (i % 2 ? a : b).apply(tag(keyId, k))));
    for (const s of stores) {
      await s.refresh();
      expect(
        s
          .state()
          .keys.get(keyId)
          ?.tags.map((x) => x.TagKey)
          .sort(),
      ).toEqual([...tags].sort());
    }
  });

  it('makes one shared secret, the same for every process, also when two make it at once', async () => {
    const purpose = `test-${randomUUID()}`;
    const warnings: string[] = [];
    const reader = make({ readOnly: true, warn: (m) => warnings.push(m) });
    await reader.open();
    try {
      // A read-only process only looks: nothing to find yet, and it says so.
      await reader.ensureSharedSecret(purpose);
      expect(reader.sharedSecrets(purpose)).toEqual([]);
      expect(warnings.join('\n')).toContain(`no shared ${purpose} secret`);
      await Promise.all([a.ensureSharedSecret(purpose), b.ensureSharedSecret(purpose)]);
      await b.refresh();
      const [made] = a.sharedSecrets(purpose);
      expect(made).toHaveLength(32);
      expect(a.sharedSecrets(purpose)).toEqual([made]);
      expect(b.sharedSecrets(purpose)).toEqual([made]);
      // Asked again, nobody makes another; the reader's next refresh finds it, no restart needed.
      await a.ensureSharedSecret(purpose);
      await reader.refresh();
      expect(reader.sharedSecrets(purpose)).toEqual([made]);
      await reader.ensureSharedSecret(purpose);
      expect(reader.sharedSecrets(purpose)).toEqual([made]);
      expect(a.sharedSecrets(purpose)).toEqual([made]);
    } finally {
      await reader.close();
    }
  });

  it('lets a read-only process that opened first follow the keys and the secret once made', async () => {
    // A store of its own: for PostgreSQL a database without QKMS's schema yet.
    const fresh = factory();
    const purpose = `test-${randomUUID()}`;
    const reader = fresh.make({ readOnly: true });
    await reader.open();
    const writer = fresh.make();
    try {
      await reader.ensureSharedSecret(purpose);
      expect(reader.sharedSecrets(purpose)).toEqual([]);
      await writer.open();
      await writer.ensureSharedSecret(purpose);
      const keyId = randomUUID();
      await writer.apply(createKey(keyId));
      // No restart: the reader's next refresh finds both.
      await reader.refresh();
      expect(reader.state().keys.has(keyId)).toBe(true);
      expect(reader.sharedSecrets(purpose)).toEqual(writer.sharedSecrets(purpose));
      expect(reader.sharedSecrets(purpose)).toHaveLength(1);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('lets exactly one of two processes create an alias name', async () => {
    const [k1, k2] = [randomUUID(), randomUUID()];
    await a.apply(createKey(k1));
    await a.apply(createKey(k2));
    await b.refresh();
    const name = unique('race');
    const results = await Promise.allSettled([
      a.apply({ kind: 'createAlias', alias: alias(name, k1) }),
      b.apply({ kind: 'createAlias', alias: alias(name, k2) }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as KmsError).name).toBe('AlreadyExistsException');
    await a.refresh();
    await b.refresh();
    expect(a.state().aliases.get(name)?.keyId).toBe(b.state().aliases.get(name)?.keyId);
  });

  it('moves and deletes an alias, each in one change the other process is told of', async () => {
    const [k1, k2] = [randomUUID(), randomUUID()];
    const name = unique('moving');
    await a.apply(createKey(k1, [name]));
    await a.apply(createKey(k2));
    const moved = await b.apply({ kind: 'updateAlias', name, keyId: k2, now: 5 });
    expect(moved).toMatchObject({ operation: 'UpdateAlias', keyId: k2, previousKeyId: k1 });
    // No refresh() here: the other process hears of each change by itself (lock-file notice,
    // or LISTEN/NOTIFY).
    const seen = (probe: () => boolean) =>
      eventually(async () => (probe() ? true : undefined), 10_000);
    expect(await seen(() => a.state().aliases.get(name)?.keyId === k2)).toBe(true);
    await a.apply({ kind: 'deleteAlias', name });
    expect(await seen(() => !b.state().aliases.has(name))).toBe(true);
  });

  it('makes no change whose journal cannot be written', async () => {
    const keyId = randomUUID();
    await a.apply(createKey(keyId));
    const refusal = a.apply(tag(keyId, 'never'), () => {
      throw new KmsError('KMSInternalException', 'audit trail full');
    });
    await expect(refusal).rejects.toThrow('audit trail full');
    await b.refresh();
    expect(b.state().keys.get(keyId)?.tags).toEqual([]);
  });

  it('records a created key with its aliases, and rolls back a creation whose process died', async () => {
    const kept = randomUUID();
    const intent = await a.beginCreation(kept);
    await a.commitCreation(intent, createKey(kept, [unique('created')]));
    await b.refresh();
    expect(b.state().keys.has(kept)).toBe(true);

    // A third process begins a creation and dies (its store closes: its owner lock or live
    // instance is gone); the next process to start rolls the creation back.
    const doomed = randomUUID();
    const third = make();
    await third.open();
    await third.beginCreation(doomed);
    await third.close();
    const restarted = make();
    await restarted.open();
    const destroyed: string[] = [];
    const rolledBack = await restarted
      .reconcile(async (locator) => void destroyed.push(locator.idHex ?? ''))
      .finally(() => restarted.close());
    expect(rolledBack.map((r) => r.keyId)).toContain(doomed);
    expect(destroyed).toContain(doomed.replace(/-/g, ''));
    expect(await b.creationsInProgress()).not.toContain(doomed);
    await b.refresh();
    expect(b.state().keys.has(doomed)).toBe(false);
  });

  it('commits a rotation’s material into its key, and reconcile tells recorded materials from lost ones', async () => {
    const keyId = randomUUID();
    await a.apply({
      kind: 'createKey',
      record: keyRecord(keyId, {
        keySpec: 'SYMMETRIC_DEFAULT',
        keyUsage: 'ENCRYPT_DECRYPT',
        materials: [{ materialId: keyId, created: 1, origin: 'CREATE' }],
      }),
      aliases: [],
    });
    const addMaterial = (materialId: string): MetadataChange => ({
      kind: 'addMaterial',
      operation: 'RotateKeyOnDemand',
      keyId,
      materialId,
      edit: (r) => ({
        ...r,
        materials: [...(r.materials ?? []), { materialId, created: 2, origin: 'ON_DEMAND' }],
      }),
    });
    const committed = randomUUID();
    await a.commitCreation(await a.beginCreation(committed), addMaterial(committed));
    await b.refresh();
    expect(
      b
        .state()
        .keys.get(keyId)
        ?.materials?.map((m) => m.materialId),
    ).toEqual([keyId, committed]);
    // Two processes die mid-rotation: one after its record change (only the intent is left,
    // as if the process died before removing it), one before (its material is lost).
    const lost = randomUUID();
    const third = make();
    await third.open();
    await third.beginCreation(lost);
    const recorded = randomUUID();
    await third.beginCreation(recorded);
    await third.apply(addMaterial(recorded));
    await third.close();
    const restarted = make();
    await restarted.open();
    const destroyed: string[] = [];
    const rolledBack = await restarted
      .reconcile(async (locator) => void destroyed.push(locator.idHex ?? ''))
      .finally(() => restarted.close());
    expect(rolledBack.map((r) => r.keyId)).toContain(lost);
    expect(rolledBack.map((r) => r.keyId)).not.toContain(recorded);
    expect(destroyed).toContain(lost.replace(/-/g, ''));
    expect(destroyed).not.toContain(recorded.replace(/-/g, ''));
    expect(await b.creationsInProgress()).not.toContain(recorded);
    // Deleting the key destroys every material's objects, the key's own last.
    await a.apply({
      kind: 'updateKey',
      operation: 'ScheduleKeyDeletion',
      keyId,
      edit: (r) => ({ ...r, state: 'PendingDeletion', deletionDate: 500 }),
    });
    await b.refresh();
    const objects: string[] = [];
    await b.sweep(
      1000,
      async (locator) => void objects.push(locator.idHex ?? ''),
      () => undefined,
    );
    expect(objects).toEqual([recorded, committed, keyId].map((id) => id.replace(/-/g, '')));
  });

  it('sweeps a key past its deletion date: journal, objects, then record and aliases', async () => {
    const keyId = randomUUID();
    const name = unique('swept');
    await a.apply(createKey(keyId, [name]));
    await a.apply({
      kind: 'updateKey',
      operation: 'ScheduleKeyDeletion',
      keyId,
      edit: (r) => ({ ...r, state: 'PendingDeletion', deletionDate: 500 }),
    });
    await b.refresh();
    const order: string[] = [];
    const swept = await b.sweep(
      1000,
      async () => void order.push('objects'),
      (detail) => void order.push(`journal ${detail.keyId}`),
    );
    expect(swept).toContain(keyId);
    expect(order.slice(order.indexOf(`journal ${keyId}`))[1]).toBe('objects');
    await a.refresh();
    expect(a.state().keys.has(keyId)).toBe(false);
    expect(a.state().aliases.has(name)).toBe(false);
  });
});
