// `workers` above 1 when a worker's token open fails for a moment (issue 13, item 7): one worker
// of many misses the token in its first PKCS#11 context, as SoftHSM does to a process that opens
// it while another is rewriting its files. The built daemon runs on the real test token through
// a forwarding module (test/support/native/first-open-fails.c) that numbers every process opening
// the token, so the test knows which pid failed and which ones served all along.

import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { demoAlias } from '../../src/cli/dev-token';
import { MAX_START_ATTEMPTS, START_WAVE } from '../../src/cluster/start-policy';
import { daemonKms, freePort, runQkms, startDaemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { buildFirstOpenFails, firstOpenFailsEnv, readTickets } from '../support/first-open-fails';
import { testTokenEnv } from '../support/test-token';
import { signEcdsaVerified } from '../support/verify-independently';

/** More than one start wave, so later workers start while earlier ones serve. */
const WORKERS = START_WAVE + 2;
/** The ticket that fails: a worker of the first wave after the first worker, which serves. */
const FAILING_TICKET = 3;
const MESSAGE = Buffer.from('signed by a cluster that started despite a failed open');

let dir: string;
let modulePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-worker-start-'));
  modulePath = buildFirstOpenFails(dir);
});

const childPids = (parent: number): number[] => {
  try {
    return execFileSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
      .sort((a, b) => a - b);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
};

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The daemon's JSON log lines with this message. */
function logged(output: string, msg: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);
}

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

async function scrape(metricsUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

it('starts every worker when one fails its first token open, retrying only that one', async () => {
  const tickets = join(dir, 'one-fails');
  const port = await freePort();
  const metricsUrl = `http://127.0.0.1:${await freePort()}`;
  const daemon = await startDaemon(
    ['serve'],
    {
      ...testTokenEnv(),
      ...firstOpenFailsEnv(modulePath, tickets, String(FAILING_TICKET)),
      QKMS_WORKERS: String(WORKERS),
      QKMS_LISTEN_PORT: String(port),
      QKMS_METRICS_PORT: new URL(metricsUrl).port,
    },
    port,
  );
  const kms = daemonKms(daemon.url, {
    // A new connection per request, so requests reach several workers.
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: false }) }),
  });
  try {
    const ready = await eventually(async () => {
      const res = await fetch(`${metricsUrl}/readyz`);
      return res.status === 200 ? true : undefined;
    }, 90_000);
    expect(ready).toBe(true);
    const output = daemon.output();

    // The failure happened, in the chosen process only, and was the field's error.
    expect(count(output, /QKMS_TOKEN_NOT_FOUND/g)).toBe(1);
    const retries = logged(output, 'a worker could not start; starting it again');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ code: 1, attempt: 1, maxAttempts: MAX_START_ATTEMPTS });
    expect(logged(output, 'worker started after retrying')).toEqual([
      expect.objectContaining({ slot: retries[0]?.slot, attempts: 2 }),
    ]);
    expect(output).not.toMatch(/stopping/);

    // Exactly one process more than workers opened the token: the failed one's replacement.
    const opened = readTickets(tickets);
    expect([...opened.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: WORKERS + 1 }, (_, i) => i + 1),
    );
    const failedPid = opened.get(FAILING_TICKET) as number;
    expect(alive(failedPid)).toBe(false);
    // Every other process that opened the token is serving now: none was torn down and
    // replaced (a replacement would have taken a ticket of its own). The first worker served
    // before any other was forked, so it was serving when the failure came.
    const serving = [...opened]
      .filter(([ticket]) => ticket !== FAILING_TICKET)
      .map(([, pid]) => pid)
      .sort((a, b) => a - b);
    expect(childPids(daemon.child.pid as number)).toEqual(serving);
    expect(serving).toContain(opened.get(1));

    const metrics = await scrape(metricsUrl);
    expect(metrics.get('qkms_workers')).toBe(WORKERS);
    expect(metrics.get('qkms_worker_start_retries_total')).toBe(1);
    expect(metrics.get('qkms_worker_restarts_total')).toBe(0);
    expect(metrics.get('qkms_token_logged_in')).toBe(1);

    const { PublicKey } = await kms.send(
      new GetPublicKeyCommand({ KeyId: demoAlias('ECC_NIST_P256') }),
    );
    const publicKey = createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    await signEcdsaVerified(kms, demoAlias('ECC_NIST_P256'), publicKey, MESSAGE, 2 * WORKERS);
    // Still the same processes after serving.
    expect(childPids(daemon.child.pid as number)).toEqual(serving);
  } finally {
    kms.destroy();
    expect(await daemon.stop()).toBe(0);
  }
}, 150_000);

it('stops with the worker exit code once a worker has failed to start the bounded number of times', async () => {
  const tickets = join(dir, 'all-fail');
  const workers = 3;
  const { code, output } = await runQkms(['serve'], {
    ...testTokenEnv(),
    // Every process after the first misses the token: not a passing fault any more.
    ...firstOpenFailsEnv(modulePath, tickets, '2+'),
    QKMS_WORKERS: String(workers),
    QKMS_METRICS_PORT: String(await freePort()),
  });
  expect(code).toBe(1);
  const stops = logged(
    output,
    `a worker could not start in ${MAX_START_ATTEMPTS} attempts; stopping`,
  );
  expect(stops).toHaveLength(1);
  // The slot that gave up was started MAX_START_ATTEMPTS times: retried after attempts 1..5.
  const retries = logged(output, 'a worker could not start; starting it again');
  expect(retries.filter((r) => r.slot === stops[0]?.slot).map((r) => r.attempt)).toEqual(
    Array.from({ length: MAX_START_ATTEMPTS - 1 }, (_, i) => i + 1),
  );
  expect(logged(output, 'worker died')).toHaveLength(0);
  // Every process that opened the token is gone: the first worker was stopped with the rest.
  const opened = readTickets(tickets);
  expect(opened.size).toBeGreaterThanOrEqual(MAX_START_ATTEMPTS + 1);
  for (const pid of opened.values()) expect(alive(pid)).toBe(false);
}, 150_000);

it('tries a wrong PIN in one worker of many only, then stops with exit code 78', async () => {
  const tickets = join(dir, 'wrong-pin');
  const { QKMS_PIN_FILE: _file, ...env } = testTokenEnv();
  const { code, output } = await runQkms(['serve'], {
    ...env,
    ...firstOpenFailsEnv(modulePath, tickets, ''),
    QKMS_PIN: 'not-the-pin',
    QKMS_WORKERS: String(WORKERS),
    QKMS_METRICS_PORT: String(await freePort()),
  });
  expect(code).toBe(78);
  expect(count(output, /failed with CKR_PIN_INCORRECT/g)).toBe(1);
  expect(logged(output, 'a worker could not start; starting it again')).toHaveLength(0);
  // One process opened the token: no second login was ever attempted.
  expect(readTickets(tickets).size).toBe(1);
  expect(output).not.toContain('not-the-pin');
}, 60_000);
