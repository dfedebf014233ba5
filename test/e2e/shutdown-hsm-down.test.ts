// SIGTERM while the network HSM is down or hung: QKMS must still end by itself, with every
// listener closed and a non-zero exit, so that its supervisor starts a fresh process. The token
// is served over a unix socket by `p11-kit server` and QKMS runs as a child daemon on p11-kit's
// client module, as in hsm-outage.test.ts. A killed server fails every call at once
// (CKR_DEVICE_ERROR): QKMS exits 1. A SIGSTOPped server never answers, so the token thread stays
// inside a PKCS#11 call and Node cannot end the process normally: QKMS closes its listeners and
// ends itself with SIGKILL. A healthy HSM still means exit 0 (also graceful-shutdown.test.ts).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { daemonKms, freePort, startDaemon, type Daemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { P11KitServer, P11_KIT_CLIENT_MODULE } from '../support/p11-kit-server';
import { TEST_TOKEN_LABEL, testTokenEnv } from '../support/test-token';

/** The deadline of one token call in this test's daemons. */
const CALL_TIMEOUT_MS = 1500;
/** A hang detector, not a speed assertion: far beyond the shutdown bound (24 s). */
const EXIT_WAIT_MS = 60_000;

interface Running {
  readonly server: P11KitServer;
  readonly daemon: Daemon;
  readonly metricsUrl: string;
  readonly kms: KMSClient;
}

let running: Running | null = null;

async function startBehindP11Kit(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'qkms-shutdown-'));
  const tokenEnv = testTokenEnv();
  const server = new P11KitServer(join(dir, 'hsm.sock'), TEST_TOKEN_LABEL, {
    SOFTHSM2_CONF: tokenEnv.SOFTHSM2_CONF as string,
  });
  await server.start();
  const port = await freePort();
  const metricsPort = await freePort();
  const daemon = await startDaemon(
    ['serve'],
    {
      ...tokenEnv,
      QKMS_PKCS11_MODULE: P11_KIT_CLIENT_MODULE,
      P11_KIT_SERVER_ADDRESS: server.address,
      QKMS_LISTEN_PORT: String(port),
      QKMS_METRICS_PORT: String(metricsPort),
      QKMS_PKCS11_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
    },
    port,
  );
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  running = { server, daemon, metricsUrl, kms: daemonKms(daemon.url) };
  expect(await eventually(async () => (await ready(metricsUrl)) || undefined, 30_000)).toBe(true);
  return running;
}

afterEach(async () => {
  if (!running) return;
  const { server, daemon, kms } = running;
  running = null;
  kms.destroy();
  if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
    daemon.child.kill('SIGKILL');
  }
  try {
    server.signal('SIGCONT');
  } catch {
    // Already killed by the test.
  }
  await server.kill();
});

async function ready(metricsUrl: string): Promise<boolean> {
  return (await fetch(`${metricsUrl}/readyz`)).status === 200;
}

/** How the daemon ended after SIGTERM, or null if it was still running after EXIT_WAIT_MS. */
async function sigtermAndWait(
  daemon: Daemon,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<null>((resolve) => (timer = setTimeout(resolve, EXIT_WAIT_MS, null)));
  // 'close' comes after 'exit' once the child's output has been read to its end.
  const closed = new Promise((resolve) => daemon.child.once('close', resolve));
  const exited = daemon.stop().then(async (code) => {
    await closed;
    return { code, signal: daemon.child.signalCode };
  });
  const outcome = await Promise.race([exited, gaveUp]);
  clearTimeout(timer);
  return outcome;
}

/** Whether nothing listens at `url` any more (connection refused). */
async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`);
    return false;
  } catch (err) {
    return /ECONNREFUSED/.test(String((err as { cause?: unknown }).cause ?? err));
  }
}

function signOnce(kms: KMSClient): Promise<string> {
  return kms
    .send(
      new SignCommand({
        KeyId: demoAlias('ECC_NIST_P256'),
        Message: Buffer.from('signed as the HSM goes'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    )
    .then(
      () => 'signed',
      (err: Error) => err.name,
    );
}

it('exits 0 with both listeners closed when the HSM behind p11-kit is healthy', async () => {
  const { daemon, metricsUrl, kms } = await startBehindP11Kit();
  expect(await signOnce(kms)).toBe('signed');

  expect(await sigtermAndWait(daemon)).toEqual({ code: 0, signal: null });
  expect(await refused(daemon.url)).toBe(true);
  expect(await refused(metricsUrl)).toBe(true);
}, 120_000);

it('exits 1 with both listeners closed when the HSM was killed and no call has noticed yet', async () => {
  const { server, daemon, metricsUrl } = await startBehindP11Kit();
  await server.kill();

  expect(await sigtermAndWait(daemon)).toEqual({ code: 1, signal: null });
  expect(daemon.output()).toMatch(/"problems":\["closing the token failed \(close: CKR_/);
  expect(await refused(daemon.url)).toBe(true);
  expect(await refused(metricsUrl)).toBe(true);
}, 120_000);

it('exits 1 with both listeners closed when the HSM was killed and QKMS is reconnecting', async () => {
  const { server, daemon, metricsUrl, kms } = await startBehindP11Kit();
  await server.kill();
  expect(await signOnce(kms)).toBe('KeyUnavailableException');
  expect(
    await eventually(async () => (await ready(metricsUrl)) === false || undefined, 20_000),
  ).toBe(true);

  expect(await sigtermAndWait(daemon)).toEqual({ code: 1, signal: null });
  expect(daemon.output()).toMatch(
    /closing the token failed \(close: QKMS_RECOVERING\): the HSM was unreachable/,
  );
  expect(await refused(daemon.url)).toBe(true);
  expect(await refused(metricsUrl)).toBe(true);
}, 120_000);

it('ends itself with SIGKILL, listeners closed first, when the HSM hangs with a Sign in flight', async () => {
  const { server, daemon, metricsUrl, kms } = await startBehindP11Kit();
  server.signal('SIGSTOP');
  const inFlight = signOnce(kms);
  // The Sign is being handled (and so waits on the hung token) once the metrics count it.
  const handling = await eventually(async () => {
    const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
    return /^qkms_inflight_requests [1-9]/m.test(metrics) || undefined;
  }, 20_000);
  expect(handling).toBe(true);

  expect(await sigtermAndWait(daemon)).toEqual({ code: null, signal: 'SIGKILL' });
  // The request in flight ended (at its deadline, or with its connection): it never hangs.
  expect(await inFlight).not.toBe('signed');
  expect(daemon.output()).toMatch(/the token thread is stuck in a PKCS#11 call/);
  expect(await refused(daemon.url)).toBe(true);
  expect(await refused(metricsUrl)).toBe(true);
}, 120_000);
