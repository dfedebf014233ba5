// KeyStore's rotations over the token store on an in-memory token, with the real host lock and
// turn lock: two stores on one token stand for two processes of one host. A rotation adds one
// AES object and one material; a refused one leaves nothing; a crash between generating the
// material and recording it is rolled back by reconcile, and a recorded one never is; deleting
// a key destroys every material; the sweeper rotates each due key once, on one process.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail } from '../../../src/audit/audit-trail';
import { KmsError } from '../../../src/errors/kms-error';
import { KeyCatalog } from '../../../src/keys/key-catalog';
import type { KeyMetadataRecord } from '../../../src/keys/key-record';
import { keyIdBytesHex } from '../../../src/keys/key-reference';
import { KeyStore } from '../../../src/keys/key-store';
import { findOrphans } from '../../../src/keys/orphans';
import { ON_DEMAND_ROTATION_LIMIT, scheduleRotation } from '../../../src/keys/rotation';
import { NO_CONFIG_KEYS } from '../../../src/keys/store/metadata-view';
import {
  METADATA_APPLICATION,
  encodeIntent,
  intentLabel,
} from '../../../src/keys/store/token/records';
import { TokenMetadataStore } from '../../../src/keys/store/token/token-store';
import { SCOPE } from '../../support/key-records';
import { memoryToken, type MemoryToken } from '../../support/memory-token';

const CALLER = { requestId: 'r', principal: 'p', source: null };
const DAY = 86_400;

let dir: string;
let mem: MemoryToken;
let clock: number;
const opened: TokenMetadataStore[] = [];

/** One "process": a metadata store and a KeyStore over the shared in-memory token. */
async function process(): Promise<{ metadata: TokenMetadataStore; store: KeyStore }> {
  const metadata = new TokenMetadataStore({
    token: mem.token,
    description: { label: 't', manufacturer: 'm', model: 'x', serial: '1', mechanisms: [] },
    config: NO_CONFIG_KEYS,
    scope: SCOPE,
    lockDir: dir,
    lockTimeoutMs: 5000,
    readOnly: false,
    now: () => clock,
    warn: () => undefined,
  });
  opened.push(metadata);
  await metadata.open();
  const catalog = new KeyCatalog(metadata, NO_CONFIG_KEYS, mem.token, SCOPE);
  const store = new KeyStore(
    mem.token,
    metadata,
    catalog,
    AuditTrail.inMemory(),
    false,
    () => clock,
  );
  return { metadata, store };
}

let p: { metadata: TokenMetadataStore; store: KeyStore };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-rotation-'));
  mem = memoryToken();
  clock = 1_000_000;
  p = await process();
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const newKey = async (store = p.store): Promise<string> =>
  (await store.createKey({ keySpec: 'SYMMETRIC_DEFAULT', description: '', tags: [] }, CALLER))
    .record.keyId;
const recordOf = (keyId: string, metadata = p.metadata): KeyMetadataRecord =>
  metadata.state().keys.get(keyId) as KeyMetadataRecord;
const intents = () => [...mem.data.values()].filter((o) => o.label.startsWith('qkms-intent/'));
const edit = (
  store: KeyStore,
  keyId: string,
  change: (r: KeyMetadataRecord) => KeyMetadataRecord,
) => store.updateKey('Test', keyId, change, CALLER);

it('adds one AES object and one material per rotation, newest last, with no intent left', async () => {
  const keyId = await newKey();
  await p.store.rotate(keyId, 'ON_DEMAND', CALLER);
  clock += 10;
  await p.store.rotate(keyId, 'ON_DEMAND', CALLER);
  const materials = recordOf(keyId).materials ?? [];
  expect(materials.map((m) => m.origin)).toEqual(['CREATE', 'ON_DEMAND', 'ON_DEMAND']);
  expect(materials[0]?.materialId).toBe(keyId);
  expect(materials[2]?.created).toBe(clock);
  for (const m of materials) {
    // CKA_ID is the material id's 16 bytes, CKA_LABEL the id itself.
    expect(mem.keys.get(keyIdBytesHex(m.materialId))?.label).toBe(m.materialId);
  }
  expect(mem.keys.size).toBe(3);
  expect(intents()).toEqual([]);
});

it('refuses a rotation of a key disabled meanwhile, and leaves no object behind', async () => {
  const keyId = await newKey();
  await edit(p.store, keyId, (r) => ({ ...r, state: 'Disabled' }));
  const err = await p.store.rotate(keyId, 'ON_DEMAND', CALLER).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KmsError);
  expect((err as KmsError).name).toBe('DisabledException');
  expect(mem.keys.size).toBe(1);
  expect(recordOf(keyId).materials).toHaveLength(1);
  expect(intents()).toEqual([]);
});

it(`allows ${ON_DEMAND_ROTATION_LIMIT} on-demand rotations, then LimitExceededException with nothing made`, async () => {
  const keyId = await newKey();
  for (let i = 0; i < ON_DEMAND_ROTATION_LIMIT; i++)
    await p.store.rotate(keyId, 'ON_DEMAND', CALLER);
  const err = await p.store.rotate(keyId, 'ON_DEMAND', CALLER).catch((e: unknown) => e);
  expect((err as KmsError).name).toBe('LimitExceededException');
  expect(mem.keys.size).toBe(ON_DEMAND_ROTATION_LIMIT + 1);
  expect(recordOf(keyId).materials).toHaveLength(ON_DEMAND_ROTATION_LIMIT + 1);
});

it('two processes rotating one key at once both add their material', async () => {
  const keyId = await newKey();
  const q = await process();
  await Promise.all([
    p.store.rotate(keyId, 'ON_DEMAND', CALLER),
    q.store.rotate(keyId, 'ON_DEMAND', CALLER),
  ]);
  await p.metadata.refresh();
  const materials = recordOf(keyId).materials ?? [];
  expect(materials).toHaveLength(3);
  expect(new Set(materials.map((m) => m.materialId)).size).toBe(3);
  for (const m of materials) expect(mem.keys.has(keyIdBytesHex(m.materialId))).toBe(true);
  expect(mem.keys.size).toBe(3);
});

describe('a rotation interrupted by a crash', () => {
  /** An intent for `materialId` written by a process that has exited, and its AES object. */
  async function leftByDeadProcess(materialId: string): Promise<void> {
    const dead = spawnSync(globalThis.process.execPath, ['-e', '0']).pid as number;
    const owner = { host: hostname(), pid: dead, started: '1', instance: 'gone' };
    await mem.token.createData(
      METADATA_APPLICATION,
      intentLabel(materialId),
      encodeIntent(materialId, owner, 1),
    );
    await mem.token.generateSecretKey(32, keyIdBytesHex(materialId), materialId, true, 'aes');
  }

  it('is rolled back when no record lists its material: the object goes, the orphan with it', async () => {
    const keyId = await newKey();
    const material = '00000000-0000-4000-8000-0000000000aa';
    await leftByDeadProcess(material);
    // The process that starts after the crash reads the intent and judges its owner dead.
    const next = await process();
    const rolledBack = await next.store.reconcile();
    expect(rolledBack.map((r) => r.keyId)).toEqual([material]);
    expect(mem.keys.has(keyIdBytesHex(material))).toBe(false);
    expect(mem.keys.has(keyIdBytesHex(keyId))).toBe(true);
    expect(intents()).toEqual([]);
    expect((await findOrphans(mem.token, next.metadata, NO_CONFIG_KEYS)).orphans).toEqual([]);
  });

  it('keeps a material whose record was written before the crash, and drops only the intent', async () => {
    const keyId = await newKey();
    const material = '00000000-0000-4000-8000-0000000000bb';
    await edit(p.store, keyId, (r) => ({
      ...r,
      materials: [
        ...(r.materials ?? []),
        { materialId: material, created: 5, origin: 'ON_DEMAND' },
      ],
    }));
    await leftByDeadProcess(material);
    const next = await process();
    expect(await next.store.reconcile()).toEqual([]);
    expect(mem.keys.has(keyIdBytesHex(material))).toBe(true);
    expect(intents()).toEqual([]);
    expect((await findOrphans(mem.token, next.metadata, NO_CONFIG_KEYS)).orphans).toEqual([]);
  });
});

it('lists a material object no record names as an orphan, and live materials never', async () => {
  const keyId = await newKey();
  await p.store.rotate(keyId, 'ON_DEMAND', CALLER);
  const stray = '00000000-0000-4000-8000-0000000000cc';
  await mem.token.generateSecretKey(32, keyIdBytesHex(stray), stray, true, 'aes');
  const report = await findOrphans(mem.token, p.metadata, NO_CONFIG_KEYS);
  expect(report.orphans).toEqual([{ keyId: stray, objects: ['secret'] }]);
});

it('destroys every material object of a key whose deletion window has passed', async () => {
  const keyId = await newKey();
  const other = await newKey();
  await p.store.rotate(keyId, 'ON_DEMAND', CALLER);
  await p.store.rotate(keyId, 'ON_DEMAND', CALLER);
  await edit(p.store, keyId, (r) => ({ ...r, state: 'PendingDeletion', deletionDate: clock }));
  expect(await p.store.sweep()).toEqual([keyId]);
  expect([...mem.keys.keys()]).toEqual([keyIdBytesHex(other)]);
});

describe('the automatic rotation sweeper', () => {
  const enable = (store: KeyStore, keyId: string, days = 90) =>
    edit(store, keyId, (r) => ({ ...r, rotation: scheduleRotation(r, days, clock) }));

  it('rotates a key once its date has passed, and moves the date on by one period', async () => {
    const keyId = await newKey();
    await enable(p.store, keyId);
    const first = clock + 90 * DAY;
    expect(recordOf(keyId).rotation).toEqual({ periodDays: 90, nextRotationDate: first });
    clock = first - 1;
    expect(await p.store.rotateDue()).toEqual([]);
    clock = first;
    expect(await p.store.rotateDue()).toEqual([keyId]);
    expect(await p.store.rotateDue()).toEqual([]);
    const record = recordOf(keyId);
    expect(record.materials?.map((m) => m.origin)).toEqual(['CREATE', 'AUTOMATIC']);
    expect(record.rotation).toEqual({ periodDays: 90, nextRotationDate: first + 90 * DAY });
  });

  it('waits while the key is disabled, then rotates once and starts the next period then', async () => {
    const keyId = await newKey();
    await enable(p.store, keyId);
    await edit(p.store, keyId, (r) => ({ ...r, state: 'Disabled' }));
    clock += 400 * DAY;
    expect(await p.store.rotateDue()).toEqual([]);
    await edit(p.store, keyId, (r) => ({ ...r, state: 'Enabled' }));
    expect(await p.store.rotateDue()).toEqual([keyId]);
    expect(recordOf(keyId).materials).toHaveLength(2);
    expect(recordOf(keyId).rotation?.nextRotationDate).toBe(clock + 90 * DAY);
  });

  it('runs on one process at a time: two processes sweeping at once rotate each key once', async () => {
    const keys = [await newKey(), await newKey()];
    for (const k of keys) await enable(p.store, k);
    const q = await process();
    clock += 90 * DAY;
    const [a, b] = await Promise.all([p.store.rotateDue(), q.store.rotateDue()]);
    expect([...a, ...b].sort()).toEqual([...keys].sort());
    await p.metadata.refresh();
    for (const k of keys) expect(recordOf(k).materials).toHaveLength(2);
    // Two keys with their first material, plus one rotation each: nothing else was generated.
    expect(mem.calls.get('generateSecretKey')).toBe(4);
    expect(mem.keys.size).toBe(4);
  });
});
