// The token store over an in-memory token, with the real host lock: two stores on one token
// stand for two processes of one host. Concurrent changes all survive, a change reaches the
// other store through its generation check, an idle check costs one token call, crashed
// creations are rolled back, and a change whose journal fails is not made.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KmsError } from '../../../../../src/errors/kms-error';
import type { MetadataChange } from '../../../../../src/keys/store/change-plan';
import { NO_CONFIG_KEYS } from '../../../../../src/keys/store/metadata-view';
import {
  GENERATION_LABEL,
  METADATA_APPLICATION,
  encodeGeneration,
  encodeIntent,
  encodeKey,
  intentLabel,
  keyLabel,
} from '../../../../../src/keys/store/token/records';
import { CallTimedOut } from '../../../../../src/pkcs11/call-timed-out';
import { OutcomeUnknown } from '../../../../../src/keys/store/outcome-unknown';
import { HostLock } from '../../../../../src/keys/store/token/host-lock';
import { TokenMetadataStore } from '../../../../../src/keys/store/token/token-store';
import { memoryToken, type MemoryToken } from '../../../../support/memory-token';
import { SCOPE, keyRecord as record } from '../../../../support/key-records';

const DESCRIPTION = { label: 't', manufacturer: 'm', model: 'x', serial: '1', mechanisms: [] };
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

let dir: string;
let mem: MemoryToken;
const opened: TokenMetadataStore[] = [];

function store(options: { readOnly?: boolean; lockTimeoutMs?: number; now?: () => number } = {}) {
  const s = new TokenMetadataStore({
    token: mem.token,
    description: DESCRIPTION,
    config: NO_CONFIG_KEYS,
    scope: SCOPE,
    lockDir: dir,
    lockTimeoutMs: options.lockTimeoutMs ?? 5000,
    readOnly: options.readOnly ?? false,
    now: options.now ?? (() => 100),
    warn: () => undefined,
  });
  opened.push(s);
  return s;
}

const createKey = (keyId: string, aliases: string[] = []): MetadataChange => ({
  kind: 'createKey',
  record: record(keyId),
  aliases: aliases.map((name) => ({ name, keyId, creationDate: 1, lastUpdatedDate: 1 })),
});
const tag = (keyId: string, key: string): MetadataChange => ({
  kind: 'updateKey',
  operation: 'TagResource',
  keyId,
  edit: (r) => ({ ...r, tags: [...r.tags, { TagKey: key, TagValue: key }] }),
});
const objectsLabelled = (label: string) =>
  [...mem.data.values()].filter((o) => o.label === label).length;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-store-'));
  mem = memoryToken();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

it('keeps every one of many concurrent changes made through two processes', async () => {
  const [one, two] = [store(), store()];
  await one.open();
  await two.open();
  await one.apply(createKey(A));
  const tags = Array.from({ length: 20 }, (_, i) => `t${i}`);
  await Promise.all(tags.map((t, i) => (i % 2 ? one : two).apply(tag(A, t))));
  await one.refresh();
  await two.refresh();
  for (const s of [one, two])
    expect(
      s
        .state()
        .keys.get(A)
        ?.tags.map((t) => t.TagKey)
        .sort(),
    ).toEqual([...tags].sort());
  expect(objectsLabelled(keyLabel(A))).toBe(1);
});

it('lets another process see a change at its next check, and an idle check costs one token call', async () => {
  const [writer, reader] = [store(), store()];
  await writer.open();
  await reader.open();
  await writer.apply(createKey(A, ['alias/a']));
  await reader.refresh();
  expect(reader.state().aliases.get('alias/a')?.keyId).toBe(A);
  mem.calls.clear();
  await reader.refresh();
  await reader.refresh();
  expect([...mem.calls]).toEqual([['readData', 2]]);
});

it('moves an alias with one record write, so it never names two keys', async () => {
  const s = store();
  await s.open();
  await s.apply(createKey(A, ['alias/x']));
  await s.apply(createKey(B));
  mem.calls.clear();
  const detail = await s.apply({ kind: 'updateAlias', name: 'alias/x', keyId: B, now: 2 });
  expect(detail).toEqual({
    operation: 'UpdateAlias',
    keyId: B,
    aliasName: 'alias/x',
    previousKeyId: A,
  });
  // Two generation records around one alias record.
  expect(mem.calls.get('createData')).toBe(3);
  expect(s.state().aliases.get('alias/x')?.keyId).toBe(B);
  expect(objectsLabelled('qkms-alias/x')).toBe(1);
});

it('does not make a change whose journal cannot be written', async () => {
  const s = store();
  await s.open();
  await s.apply(createKey(A));
  const before = new Map(mem.data);
  const refused = s.apply(tag(A, 'x'), () => {
    throw new KmsError('KMSInternalException', 'audit trail full');
  });
  await expect(refused).rejects.toThrow('audit trail full');
  expect(mem.data).toEqual(before);
  expect(s.state().keys.get(A)?.tags).toEqual([]);
});

it('refuses a change while another process holds the lock past the timeout', async () => {
  const waiter = store({ lockTimeoutMs: 100 });
  await waiter.open();
  const other = HostLock.open(dir, DESCRIPTION);
  try {
    await other.acquire(1000);
    const err = await waiter.apply(createKey(A)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmsError);
    expect((err as KmsError).name).toBe('DependencyTimeoutException');
    other.release();
    await waiter.apply(createKey(A));
    expect(waiter.state().keys.has(A)).toBe(true);
  } finally {
    other.close();
  }
});

it('answers read-only gateways with UnsupportedOperationException', async () => {
  const s = store({ readOnly: true });
  await s.open();
  expect(() => s.apply(createKey(A))).toThrow(
    'This gateway is configured read-only (pkcs11.readOnly); it cannot change keys.',
  );
});

describe('key creation', () => {
  it('records the key and removes its intent', async () => {
    const s = store();
    await s.open();
    const intent = await s.beginCreation(A);
    expect(objectsLabelled(intentLabel(A))).toBe(1);
    await s.commitCreation(intent, createKey(A, ['alias/a']));
    expect(objectsLabelled(intentLabel(A))).toBe(0);
    expect(s.state().keys.get(A)).toEqual(record(A));
  });

  it('rolls back a creation whose process died, with its key objects and aliases', async () => {
    // The process that wrote this intent has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const owner = { host: hostname(), pid: dead, started: '1', instance: 'gone' };
    mem.keys.set(B.replace(/-/g, ''), {
      idHex: B.replace(/-/g, ''),
      label: B,
      hasPrivateKey: true,
      publicKey: null,
    });
    await mem.token.createData(METADATA_APPLICATION, intentLabel(B), encodeIntent(B, owner, 1));
    const s = store();
    await s.open();
    const destroyed: string[] = [];
    const rolledBack = await s.reconcile(async (locator) => {
      destroyed.push(locator.idHex ?? '');
      await mem.token.destroyKey(locator);
    });
    expect(rolledBack).toEqual([{ keyId: B, owner: `${hostname()} pid ${dead}` }]);
    expect(destroyed).toEqual([B.replace(/-/g, '')]);
    expect(mem.keys.size).toBe(0);
    expect(objectsLabelled(intentLabel(B))).toBe(0);
  });

  it('leaves a live process’s creation alone, and refuses to commit one rolled back', async () => {
    const [creator, other] = [store(), store()];
    await creator.open();
    const intent = await creator.beginCreation(A);
    await other.open();
    expect(await other.reconcile(async () => undefined)).toEqual([]);
    // As if `other` had judged the creator dead: the intent disappears.
    const handle = [...mem.data].find(([, o]) => o.label === intentLabel(A))?.[0] as string;
    await mem.token.destroyData([handle]);
    const err = await creator.commitCreation(intent, createKey(A)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmsError);
    expect((err as KmsError).message).toBe(
      'The key creation was interrupted and rolled back. Retry the request.',
    );
    expect(creator.state().keys.has(A)).toBe(false);
  });
});

it('deletes keys once their window has passed: objects first, then aliases and record', async () => {
  let now = 100;
  const s = store({ now: () => now });
  await s.open();
  await s.apply(createKey(A, ['alias/a']));
  await s.apply({
    kind: 'updateKey',
    operation: 'ScheduleKeyDeletion',
    keyId: A,
    edit: (r) => ({ ...r, state: 'PendingDeletion', deletionDate: 200 }),
  });
  const order: string[] = [];
  const destroy = async () => void order.push('objects');
  expect(await s.sweep(now, destroy, () => order.push('journal'))).toEqual([]);
  now = 200;
  expect(await s.sweep(now, destroy, () => order.push('journal'))).toEqual([A]);
  expect(order).toEqual(['journal', 'objects']);
  expect(s.state().keys.has(A)).toBe(false);
  expect(s.state().aliases.has('alias/a')).toBe(false);
  expect(objectsLabelled(keyLabel(A)) + objectsLabelled('qkms-alias/a')).toBe(0);
});

it('converts first-layout records in place, keeping every key and alias', async () => {
  const legacy = {
    format: 1,
    ...record(A),
    aliases: [{ name: 'alias/old', creationDate: 3 }],
  };
  await mem.token.createData(
    METADATA_APPLICATION,
    `qkms-key/${A}/2.00000000`,
    Buffer.from(JSON.stringify(legacy)),
  );
  const s = store();
  expect(await s.open()).toEqual([]);
  expect(s.state().keys.get(A)).toEqual(record(A));
  expect(s.state().aliases.get('alias/old')?.keyId).toBe(A);
  const labels = [...mem.data.values()].map((o) => o.label).sort();
  expect(labels).toEqual(['qkms-alias/old', 'qkms-generation', keyLabel(A)]);
});

describe('writes whose outcome the token did not report', () => {
  const lateTimeout = () => new CallTimedOut(Promise.resolve(true));

  it('answers a change as made when its write landed though the call failed', async () => {
    const s = store();
    await s.open();
    await s.apply(createKey(A));
    // The second createData of the change is the record itself (the first is the "writing" mark).
    const createData = mem.token.createData;
    let n = 0;
    mem.token.createData = async (...args) => {
      if (++n === 2) mem.failAfterWork('createData', lateTimeout());
      return createData(...args);
    };
    expect(await s.apply(tag(A, 'x'))).toEqual({ operation: 'TagResource', keyId: A });
    mem.token.createData = createData;
    expect(s.state().keys.get(A)?.tags).toEqual([{ TagKey: 'x', TagValue: 'x' }]);
  });

  it('answers an error when the write did not land, and the next change is not confused by it', async () => {
    const [writer, reader] = [store(), store()];
    await writer.open();
    await reader.open();
    await writer.apply(createKey(A));
    mem.failNext('createData', 'CKR_DEVICE_ERROR');
    await expect(writer.apply(tag(A, 'lost'))).rejects.toThrow('CKR_DEVICE_ERROR');
    await writer.apply(tag(A, 'kept'));
    await reader.refresh();
    for (const s of [writer, reader])
      expect(
        s
          .state()
          .keys.get(A)
          ?.tags.map((t) => t.TagKey),
      ).toEqual(['kept']);
  });

  it('when it cannot tell, searches before its next change, whose revision is a new one', async () => {
    const [writer, reader] = [store(), store()];
    await writer.open();
    await reader.open();
    await writer.apply(createKey(A));
    // The record write lands but its answer is lost, and reading the token back fails too.
    const createData = mem.token.createData;
    let n = 0;
    mem.token.createData = async (...args) => {
      const handle = await createData(...args);
      if (++n === 2) {
        mem.failNext('scanData', 'CKR_DEVICE_ERROR');
        throw new Error('CKR_DEVICE_ERROR: answer lost');
      }
      return handle;
    };
    const unknown = await writer.apply(tag(A, 'unknown')).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OutcomeUnknown);
    expect((unknown as OutcomeUnknown).name).toBe('DependencyTimeoutException');
    mem.token.createData = createData;
    await writer.apply(tag(A, 'acknowledged'));
    await reader.refresh();
    // The acknowledged change was planned on the record the lost write left, and wins over it.
    for (const s of [writer, reader])
      expect(
        s
          .state()
          .keys.get(A)
          ?.tags.map((t) => t.TagKey),
      ).toEqual(['unknown', 'acknowledged']);
    expect(objectsLabelled(keyLabel(A))).toBe(1);
  });
});

it('converts first-layout records only as they are once it holds the lock', async () => {
  await mem.token.createData(
    METADATA_APPLICATION,
    `qkms-key/${A}/2.00000000`,
    Buffer.from(JSON.stringify({ format: 1, ...record(A), aliases: [] })),
  );
  const other = HostLock.open(dir, DESCRIPTION);
  await other.acquire(1000);
  const s = store();
  const opening = s.open();
  await new Promise((r) => setTimeout(r, 50)); // It has read the old layout and waits.
  // Meanwhile another process converts it and tags the key.
  for (const [handle, o] of [...mem.data])
    if (o.label.startsWith('qkms-key/')) mem.data.delete(handle);
  await mem.token.createData(
    METADATA_APPLICATION,
    keyLabel(A),
    encodeKey({ ...record(A), tags: [{ TagKey: 't', TagValue: 'v' }] }, 9),
  );
  await mem.token.createData(
    METADATA_APPLICATION,
    GENERATION_LABEL,
    encodeGeneration({ generation: 10, writing: false, host: 'h', pid: 1, time: 1 }),
  );
  other.release();
  other.close();
  await opening;
  expect(s.state().keys.get(A)?.tags).toEqual([{ TagKey: 't', TagValue: 'v' }]);
  expect(objectsLabelled(keyLabel(A))).toBe(1);
});

it('notices a generation object replaced under a handle it knew (tokens may reuse handles)', async () => {
  const [writer, reader] = [store(), store()];
  await writer.open();
  await writer.apply(createKey(A));
  await reader.open();
  // As if the token gave the old generation object's handle to a new one.
  const [genHandle] = [...mem.data].find(([, o]) => o.label === GENERATION_LABEL) ?? [];
  const other = encodeGeneration({ generation: 99, writing: false, host: 'h', pid: 1, time: 1 });
  mem.data.set(genHandle as string, {
    application: METADATA_APPLICATION,
    label: GENERATION_LABEL,
    value: other,
  });
  mem.calls.clear();
  await reader.refresh();
  expect(mem.calls.get('scanData')).toBe(1);
});

it('keeps sweeping the other keys when one cannot be deleted, and tries that one later', async () => {
  const s = store();
  await s.open();
  for (const id of [A, B]) {
    await s.apply(createKey(id));
    await s.apply({
      kind: 'updateKey',
      operation: 'ScheduleKeyDeletion',
      keyId: id,
      edit: (r) => ({ ...r, state: 'PendingDeletion', deletionDate: 100 }),
    });
  }
  const failed: string[] = [];
  const destroy = async (locator: { idHex?: string }) => {
    if (locator.idHex === A.replace(/-/g, '')) throw new Error('CKR_ACTION_PROHIBITED');
  };
  expect(
    await s.sweep(
      100,
      destroy,
      () => undefined,
      (id) => failed.push(id),
    ),
  ).toEqual([B]);
  expect(failed).toEqual([A]);
  // Backed off: not tried again at once.
  expect(
    await s.sweep(
      100,
      destroy,
      () => undefined,
      (id) => failed.push(id),
    ),
  ).toEqual([]);
  expect(failed).toEqual([A]);
  expect(s.state().keys.get(A)?.state).toBe('PendingDeletion');
});

it('removes the alias records of a creation that failed to commit, with its intent', async () => {
  const s = store();
  await s.open();
  const intent = await s.beginCreation(A);
  // The commit writes the alias, then fails on the key record.
  const createData = mem.token.createData;
  let n = 0;
  mem.token.createData = async (...args) => {
    if (++n === 3) throw new Error('CKR_DEVICE_MEMORY: full');
    return createData(...args);
  };
  await expect(s.commitCreation(intent, createKey(A, ['alias/half']))).rejects.toThrow(
    'CKR_DEVICE_MEMORY',
  );
  mem.token.createData = createData;
  expect(objectsLabelled('qkms-alias/half')).toBe(1);
  await s.abandonCreation(intent);
  expect(objectsLabelled('qkms-alias/half') + objectsLabelled(intentLabel(A))).toBe(0);
});

it('numbers each change above every revision and generation it knows, and writes its records with that number', async () => {
  // A record left at a high revision (an earlier layout, or a write whose answer was lost).
  await mem.token.createData(METADATA_APPLICATION, keyLabel(A), encodeKey(record(A), 41));
  const s = store();
  await s.open();
  await s.apply(tag(A, 'x'));
  await s.apply(createKey(B, ['alias/b']));
  const revisions = [...mem.data.values()]
    .map((o) => JSON.parse(Buffer.from(o.value).toString()) as Record<string, unknown>)
    .map((v) => [
      v.revision ?? (v.generation as { generation: number }).generation,
      v.record ? 'key' : v.alias ? 'alias' : 'generation',
    ]);
  // A's tag: change 42 (generations 42 writing, 43 idle); B with its alias: change 44.
  expect(revisions.sort()).toEqual(
    [
      [42, 'key'],
      [44, 'alias'],
      [44, 'key'],
      [45, 'generation'],
    ].sort(),
  );
});
