// `workers: 2`: two processes share the API port, each with its own PKCS#11 context; the
// primary's /metrics sums them; a worker that dies is replaced and the other keeps signing.

import { execFileSync } from 'node:child_process';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Agent } from 'node:http';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { demoAlias } from '../../src/cli/dev-token';
import { daemonKms, freePort, runQkms, startDaemon, type Daemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { testTokenEnv } from '../support/test-token';
import { signEcdsaVerified } from '../support/verify-independently';

const SESSIONS_PER_WORKER = 3;
const MESSAGE = Buffer.from('signed by one of two workers');

let daemon: Daemon;
let metricsUrl: string;
let kms: KMSClient;
let publicKey: KeyObject;

beforeAll(async () => {
  const port = await freePort();
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  daemon = await startDaemon(
    ['serve'],
    {
      ...testTokenEnv(),
      QKMS_WORKERS: '2',
      QKMS_LISTEN_PORT: String(port),
      QKMS_METRICS_PORT: String(metricsPort),
      QKMS_PKCS11_SESSIONS: String(SESSIONS_PER_WORKER),
    },
    port,
  );
  expect(await eventually(async () => ((await ready()) ? true : undefined), 30_000)).toBe(true);
  kms = daemonKms(daemon.url, {
    // A new connection per request, so the primary hands requests to both workers.
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: false }) }),
  });
  const { PublicKey } = await kms.send(
    new GetPublicKeyCommand({ KeyId: demoAlias('ECC_NIST_P256') }),
  );
  publicKey = createPublicKey({
    key: Buffer.from(PublicKey as Uint8Array),
    format: 'der',
    type: 'spki',
  });
}, 90_000);

afterAll(async () => {
  kms?.destroy();
  await daemon?.stop();
});

async function ready(): Promise<boolean> {
  return (await fetch(`${metricsUrl}/readyz`)).status === 200;
}

async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

const workerPids = (): number[] =>
  execFileSync('pgrep', ['-P', String(daemon.child.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map(Number)
    .sort();

/** Signs `count` times; every signature must verify independently. */
function signAll(count: number): Promise<void> {
  return signEcdsaVerified(kms, demoAlias('ECC_NIST_P256'), publicKey, MESSAGE, count);
}

it('runs two workers, each with its own token sessions, and sums their metrics', async () => {
  expect(workerPids()).toHaveLength(2);
  const before = await scrape();
  await signAll(20);
  const after = await scrape();
  expect(after.get('qkms_workers')).toBe(2);
  // Both workers' pools appear in the sum; each worker's own gauge would say 3.
  expect(after.get('qkms_session_pool_sessions{state="open"}')).toBe(2 * SESSIONS_PER_WORKER);
  expect(after.get('qkms_token_logged_in')).toBe(1);
  const signs = 'qkms_requests_total{operation="Sign",outcome="success"}';
  expect((after.get(signs) ?? 0) - (before.get(signs) ?? 0)).toBe(20);
  expect([...after.keys()].filter((k) => k.startsWith('qkms_build_info{'))).toHaveLength(1);
  expect(after.get([...after.keys()].find((k) => k.startsWith('qkms_build_info{')) ?? '')).toBe(1);
});

it('replaces a worker that dies while the other keeps signing, through each worker in turn', async () => {
  const [first, second] = workerPids() as [number, number];
  for (const victim of [first, second]) {
    const restartsBefore = (await scrape()).get('qkms_worker_restarts_total') ?? 0;
    process.kill(victim, 'SIGKILL');
    // Whoever is left signs: after the first kill the other original worker, after the second
    // the replacement of the first.
    await eventually(async () => (workerPids().includes(victim) ? undefined : true), 10_000);
    await signAll(5);
    const replaced = await eventually(async () => {
      const m = await scrape();
      return m.get('qkms_workers') === 2 &&
        m.get('qkms_worker_restarts_total') === restartsBefore + 1
        ? true
        : undefined;
    }, 30_000);
    expect(replaced).toBe(true);
    expect(await eventually(async () => ((await ready()) ? true : undefined), 30_000)).toBe(true);
  }
  const now = workerPids();
  expect(now).toHaveLength(2);
  expect(now).not.toContain(first);
  expect(now).not.toContain(second);
  await signAll(5);
}, 120_000);

it('forwards SIGHUP to the workers, which reload and keep serving', async () => {
  const pids = workerPids();
  const restarts = (await scrape()).get('qkms_worker_restarts_total');
  daemon.child.kill('SIGHUP');
  const reloads = () => daemon.output().match(/"msg":"SIGHUP: no credentials file/g)?.length ?? 0;
  await eventually(async () => (reloads() >= 2 ? true : undefined), 10_000);
  await signAll(3);
  expect(workerPids()).toEqual(pids);
  expect((await scrape()).get('qkms_worker_restarts_total')).toBe(restarts);
  expect(reloads()).toBe(2);
}, 60_000);

it('stops every worker and exits 0 when SIGTERM reaches every process at once', async () => {
  // systemd's default KillMode signals the whole control group: each worker then gets SIGTERM
  // from systemd and again from the primary, and must still drain once and exit 0.
  const pids = workerPids();
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  expect(await daemon.stop()).toBe(0);
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
}, 60_000);

it('tries a wrong PIN in one worker only, then stops with exit code 78', async () => {
  const { QKMS_PIN_FILE: _file, ...env } = testTokenEnv();
  const { code, output } = await runQkms(['serve'], {
    ...env,
    QKMS_PIN: 'not-the-pin',
    QKMS_WORKERS: '2',
    QKMS_METRICS_PORT: String(await freePort()),
  });
  expect(code).toBe(78);
  expect(output.match(/failed with CKR_PIN_INCORRECT/g)).toHaveLength(1);
  expect(output).not.toContain('not-the-pin');
}, 60_000);
