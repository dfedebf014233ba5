// A network HSM that dies, comes back, and hangs. The token is served over a unix socket by
// `p11-kit server` and QKMS runs as a child daemon on p11-kit's client module (the variable
// P11_KIT_SERVER_ADDRESS must reach the C library's getenv, which only a child's environment
// does). Under a bounded load of Signs: during the outage only retryable KMS errors and readiness
// false; afterwards signatures again without restarting QKMS; every signature verifies.

import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetPublicKeyCommand,
  KMSClient,
  ListResourceTagsCommand,
  SignCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { daemonKms, freePort, startDaemon, type Daemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { P11KitServer, P11_KIT_CLIENT_MODULE } from '../support/p11-kit-server';
import { TEST_TOKEN_LABEL, testTokenEnv } from '../support/test-token';

/** The deadline of one token call in this test's daemon. */
const CALL_TIMEOUT_MS = 1500;
/** What a client may see while the HSM is away: every one is retryable for AWS SDKs. */
const RETRYABLE = new Set([
  'KeyUnavailableException',
  'DependencyTimeoutException',
  'ThrottlingException',
]);
const MESSAGE = Buffer.from('signed while the HSM comes and goes');
const KEYS = [
  { spec: 'ECC_NIST_P256', algorithm: 'ECDSA_SHA_256', hash: 'sha256' },
  { spec: 'RSA_2048', algorithm: 'RSASSA_PKCS1_V1_5_SHA_256', hash: 'sha256' },
] as const;

let server: P11KitServer;
let daemon: Daemon;
let metricsUrl: string;
let kms: KMSClient;
const publicKeys = new Map<string, KeyObject>();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qkms-p11kit-'));
  const tokenEnv = testTokenEnv();
  server = new P11KitServer(join(dir, 'hsm.sock'), TEST_TOKEN_LABEL, {
    SOFTHSM2_CONF: tokenEnv.SOFTHSM2_CONF as string,
  });
  await server.start();
  const port = await freePort();
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  daemon = await startDaemon(
    ['serve'],
    {
      ...tokenEnv,
      QKMS_PKCS11_MODULE: P11_KIT_CLIENT_MODULE,
      P11_KIT_SERVER_ADDRESS: server.address,
      QKMS_LISTEN_PORT: String(port),
      QKMS_METRICS_PORT: String(metricsPort),
      QKMS_PKCS11_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
      QKMS_PKCS11_SESSIONS: '4',
    },
    port,
  );
  // One attempt per call: the SDK's own retries would hide the outage.
  kms = daemonKms(daemon.url, {
    // A hang detector, not a speed assertion: a request still open long after the token call
    // deadline fails with the SDK's TimeoutError, which the assertions below never accept.
    requestHandler: { requestTimeout: CALL_TIMEOUT_MS + 10_000 },
  });
  for (const { spec } of KEYS) {
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: demoAlias(spec) }));
    const der = Buffer.from(PublicKey as Uint8Array);
    publicKeys.set(spec, createPublicKey({ key: der, format: 'der', type: 'spki' }));
  }
}, 60_000);

afterAll(async () => {
  kms?.destroy();
  server?.signal('SIGCONT');
  await daemon?.stop();
  await server?.kill();
});

async function ready(): Promise<boolean> {
  return (await fetch(`${metricsUrl}/readyz`)).status === 200;
}

interface Outcome {
  readonly ok: boolean;
  readonly error?: string;
}

/** One Sign with a demo key; a returned signature must verify independently or the test fails. */
async function signOnce(index: number): Promise<Outcome> {
  const { spec, algorithm, hash } = KEYS[index % KEYS.length] as (typeof KEYS)[number];
  try {
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: demoAlias(spec), Message: MESSAGE, SigningAlgorithm: algorithm }),
    );
    const key = publicKeys.get(spec) as KeyObject;
    const signature = Buffer.from(Signature as Uint8Array);
    const dsaEncoding = spec.startsWith('ECC') ? 'der' : undefined;
    const valid = verify(hash, MESSAGE, dsaEncoding ? { key, dsaEncoding } : key, signature);
    return valid ? { ok: true } : { ok: false, error: 'SignatureDidNotVerify' };
  } catch (err) {
    return { ok: false, error: (err as Error).name };
  }
}

/** Signs in `workers` loops until stopped; collects every outcome. */
function load(workers: number) {
  const outcomes: Outcome[] = [];
  let running = true;
  let counter = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      outcomes.push(await signOnce(counter++));
      // Failing requests return at once; pace the loop so the outage is a bounded load.
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  return {
    outcomes,
    async stop(): Promise<Outcome[]> {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

const successesAfter = (outcomes: Outcome[], from: number) =>
  outcomes.slice(from).filter((o) => o.ok).length;

it('fails fast with retryable errors while the HSM is gone and heals when it returns', async () => {
  expect(await ready()).toBe(true);
  const run = load(4);
  await eventually(async () => (successesAfter(run.outcomes, 0) >= 20 ? true : undefined), 30_000);
  const beforeOutage = run.outcomes.length;

  await server.kill();
  const notReady = await eventually(async () => ((await ready()) ? undefined : true), 20_000);
  const failedDuringOutage = await eventually(
    async () => (run.outcomes.slice(beforeOutage).some((o) => !o.ok) ? true : undefined),
    20_000,
  );
  // Keep the load on through a stretch of outage while QKMS keeps trying to reconnect.
  await new Promise((r) => setTimeout(r, 1000));
  const outageEnd = run.outcomes.length;
  expect(successesAfter(run.outcomes.slice(0, outageEnd), outageEnd - 5)).toBe(0);

  await server.start();
  const readyAgain = await eventually(async () => ((await ready()) ? true : undefined), 30_000);
  const servedAgain = await eventually(
    async () => (successesAfter(run.outcomes, outageEnd) >= 20 ? true : undefined),
    30_000,
  );
  const outcomes = await run.stop();

  expect(notReady).toBe(true);
  expect(failedDuringOutage).toBe(true);
  expect(readyAgain).toBe(true);
  expect(servedAgain).toBe(true);
  // Every answer in the whole run was a verified signature or a retryable KMS error.
  const errors = new Set(outcomes.filter((o) => !o.ok).map((o) => o.error));
  for (const error of errors) expect(RETRYABLE).toContain(error);

  const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
  const reconnects = /^qkms_hsm_reconnects_total (\d+)$/m.exec(metrics);
  expect(Number(reconnects?.[1])).toBeGreaterThanOrEqual(1);

  // Key metadata after the reconnect: the object handles this process knew are from the old
  // login; a change must still land exactly once and be read back.
  const key = demoAlias('ECC_NIST_P256');
  const tag = { TagKey: `after-outage-${Date.now()}`, TagValue: 'kept' };
  await kms.send(new TagResourceCommand({ KeyId: key, Tags: [tag] }));
  await kms.send(new UntagResourceCommand({ KeyId: key, TagKeys: [tag.TagKey] }));
  await kms.send(new TagResourceCommand({ KeyId: key, Tags: [tag] }));
  const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: key }));
  expect(Tags?.filter((t) => t.TagKey === tag.TagKey)).toEqual([tag]);
}, 120_000);

it('times out at the deadline while the HSM hangs, stays observable, and serves after it resumes', async () => {
  expect(await eventually(async () => ((await ready()) ? true : undefined), 30_000)).toBe(true);
  server.signal('SIGSTOP');
  try {
    const hung = await Promise.all([signOnce(0), signOnce(1), signOnce(2)]);
    for (const outcome of hung) expect(outcome.error).toBe('DependencyTimeoutException');
    // The process and its operations listener answer while the token thread is stuck.
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^qkms_token_logged_in 0$/m);
    expect(await ready()).toBe(false);
  } finally {
    server.signal('SIGCONT');
  }
  const served = await eventually(async () => ((await signOnce(0)).ok ? true : undefined), 30_000);
  expect(served).toBe(true);
  expect(await eventually(async () => ((await ready()) ? true : undefined), 30_000)).toBe(true);
}, 120_000);
