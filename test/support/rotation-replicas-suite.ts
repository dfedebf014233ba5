// Rotation seen from two `qkms serve` processes on one token (the built daemon, one worker each):
// with the token store they are two processes of one host sharing its lock; with PostgreSQL
// (test/e2e/rotation-replicas-postgres.test.ts) two replicas of one database. Each decrypts
// what the other encrypted after rotations it has not necessarily heard of yet (Decrypt reads
// the store once when a blob names an unknown material), concurrent RotateKeyOnDemand calls on
// both each record their material, and a restarted process decrypts everything made before.

import { createHash } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { freePort } from './daemon';
import { eventually } from './eventually';
import {
  freshConnectionKms,
  killEveryQkms,
  makeThrowawayToken,
  spawnQkms,
  tokenEnv,
  waitReady,
  type QkmsProcess,
  type ThrowawayToken,
} from './metadata-harness';
import { scanKeyObjects } from './metadata-token-scan';

interface Replica {
  proc: QkmsProcess;
  kms: KMSClient;
}

let token: ThrowawayToken;
const replicas: Replica[] = [];

async function startReplica(): Promise<Replica> {
  const ports = { api: await freePort(), metrics: await freePort() };
  // A long poll: the other process's rotations reach this one through Decrypt's own refresh.
  const proc = spawnQkms(
    ['serve'],
    tokenEnv(token, ports, { QKMS_WORKERS: '1', QKMS_METADATA_REFRESH_SECONDS: '3600' }),
  );
  await waitReady(proc, ports.metrics, 60_000);
  return { proc, kms: freshConnectionKms(`http://127.0.0.1:${ports.api}`) };
}

beforeAll(async () => {
  token = makeThrowawayToken('qkms-rotation-replicas');
  replicas.push(await startReplica(), await startReplica());
}, 120_000);

afterAll(async () => {
  for (const r of replicas) r.kms.destroy();
  await killEveryQkms();
  token?.remove();
}, 60_000);

const encrypt = async (kms: KMSClient, keyId: string, text: string): Promise<Buffer> =>
  Buffer.from(
    (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) })))
      .CiphertextBlob as Uint8Array,
  );

const decrypt = async (kms: KMSClient, blob: Buffer): Promise<string> =>
  Buffer.from(
    (await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext as Uint8Array,
  ).toString();

/**
 * A new symmetric key made on `a`, once `b` serves it too: a new key reaches another process
 * within the documented bound (about a second), and these tests race rotations against each
 * other, not against the key's creation.
 */
async function keySeenByBoth(a: Replica, b: Replica): Promise<string> {
  const keyId = (await a.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  const seen = await eventually(
    () => b.kms.send(new DescribeKeyCommand({ KeyId: keyId })).then(() => true),
    5000,
  );
  expect(seen).toBe(true);
  return keyId;
}

const materialIds = async (kms: KMSClient, keyId: string): Promise<(string | undefined)[]> =>
  (
    (
      await kms.send(
        new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }),
      )
    ).Rotations ?? []
  ).map((r) => r.KeyMaterialId);

const materialId = (blob: Buffer): string =>
  createHash('sha256').update(blob.subarray(20, 36)).digest('hex');

it('each process decrypts what the other encrypted after rotations on either', async () => {
  const [a, b] = replicas as [Replica, Replica];
  const keyId = await keySeenByBoth(a, b);
  const made: { blob: Buffer; text: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
    await writer.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const text = `made after rotation ${i + 1}`;
    const blob = await encrypt(writer.kms, keyId, text);
    made.push({ blob, text });
    // At once, on the process that did not rotate.
    expect(await decrypt(reader.kms, blob)).toBe(text);
  }
  expect(new Set(made.map((m) => materialId(m.blob))).size).toBe(4);
  for (const r of [a, b]) for (const m of made) expect(await decrypt(r.kms, m.blob)).toBe(m.text);
}, 60_000);

it('two concurrent on-demand rotations, one on each process, both record their material', async () => {
  const [a, b] = replicas as [Replica, Replica];
  const keyId = await keySeenByBoth(a, b);
  for (let round = 0; round < 3; round++) {
    const answers = await Promise.all([
      a.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
      b.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
    ]);
    expect(answers.map((x) => x.KeyId)).toEqual([keyId, keyId]);
  }
  // The rotation that committed last reaches the other process within the documented bound
  // (about a second), not before its answer: wait up to that bound, with slack for a loaded CI
  // machine, for both to list every acknowledged rotation. A lost rotation never gets there.
  let views: (string | undefined)[][] = [];
  await eventually(async () => {
    views = await Promise.all([a, b].map((r) => materialIds(r.kms, keyId)));
    return views.every((v) => v.length === 7) ? true : undefined;
  }, 5000);
  const [ids, idsOnB] = views as [(string | undefined)[], (string | undefined)[]];
  expect(ids).toHaveLength(7);
  expect(idsOnB).toEqual(ids);
  expect(new Set(ids).size).toBe(7);
  // Every recorded material has its AES object in the token, and no other object claims the key.
  const objects = await scanKeyObjects(token);
  const objectIds = new Set(
    objects
      .filter((o) => o.objectClass === 4)
      .map((o) => createHash('sha256').update(Buffer.from(o.idHex, 'hex')).digest('hex')),
  );
  for (const id of ids) expect(objectIds.has(id as string)).toBe(true);
}, 60_000);

it('a restarted process decrypts what both made before', async () => {
  const [a, b] = replicas as [Replica, Replica];
  const keyId = await keySeenByBoth(a, b);
  const made: { blob: Buffer; text: string }[] = [];
  for (const r of [a, b, a]) {
    await r.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const text = `before the restart ${made.length}`;
    made.push({ blob: await encrypt(r.kms, keyId, text), text });
  }
  a.kms.destroy();
  await a.proc.stop(15_000);
  const restarted = await startReplica();
  replicas[0] = restarted;
  for (const m of made) expect(await decrypt(restarted.kms, m.blob)).toBe(m.text);
}, 90_000);
