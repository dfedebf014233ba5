// The operations listener: after a known sequence of requests, /metrics holds the expected
// series and counts (parsed from the text format); /healthz and /readyz answer.

import { SignCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
}, 60_000);
afterAll(() => t?.close());

/** Parses the Prometheus text format into "name{labels}" → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${t.gateway.metricsUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

const sign = (keyId: string) =>
  t.kms.send(
    new SignCommand({
      KeyId: keyId,
      Message: Buffer.from('metrics'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );

it('counts requests by operation and outcome, and times them', async () => {
  const before = await scrape();
  const count = (m: Map<string, number>, key: string) => m.get(key) ?? 0;
  for (let i = 0; i < 3; i++) await sign(demoAlias('ECC_NIST_P256'));
  await failure(sign('alias/not-there'));
  await failure(sign(demoAlias('RSA_2048')));
  const after = await scrape();
  const delta = (key: string) => count(after, key) - count(before, key);
  expect(delta('qkms_requests_total{operation="Sign",outcome="success"}')).toBe(3);
  expect(delta('qkms_requests_total{operation="Sign",outcome="NotFoundException"}')).toBe(1);
  expect(delta('qkms_requests_total{operation="Sign",outcome="InvalidKeyUsageException"}')).toBe(1);
  expect(delta('qkms_request_duration_seconds_count{operation="Sign"}')).toBe(5);
  expect(
    delta('qkms_pkcs11_call_duration_seconds_count{function="sign",mechanism="CKM_ECDSA"}'),
  ).toBe(3);
});

it('reports the session pool, the login state, the build and the process', async () => {
  const m = await scrape();
  expect(m.get('qkms_token_logged_in')).toBe(1);
  expect(m.get('qkms_session_pool_sessions{state="open"}')).toBe(8);
  expect(m.get('qkms_session_pool_sessions{state="waiting"}')).toBe(0);
  // The runtime that runs the tests (CI runs them on Node 20 and on Node 24).
  const build = [...m.keys()].find((k) => k.startsWith('qkms_build_info{'));
  expect(build).toMatch(/^qkms_build_info\{version="\d+\.\d+\.\d+",node="v\d+\.\d+\.\d+"\}$/);
  expect(build).toContain(`node="${process.version}"`);
  expect(m.get('qkms_process_resident_memory_bytes')).toBeGreaterThan(0);
  // Never a key id as a label.
  expect([...m.keys()].some((k) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(k))).toBe(false);
});

it('answers /healthz and /readyz on the operations listener, not on the API', async () => {
  expect((await fetch(`${t.gateway.metricsUrl}/healthz`)).status).toBe(200);
  const ready = await fetch(`${t.gateway.metricsUrl}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.text()).toBe('ready\n');
  expect(t.gateway.metricsUrl).not.toBe(t.gateway.url);
});
