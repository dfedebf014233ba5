// Back-pressure: with one PKCS#11 session and almost no wait allowed for it, concurrent signing
// gets ThrottlingException quickly instead of queueing without bound; the SDK's retries then
// get every signature through.

import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { startTestGateway, type TestGateway } from '../support/test-token';

// RSA-4096 signing takes milliseconds in SoftHSM: long enough for a single session to be busy.
const signWith = (kms: KMSClient) =>
  kms.send(
    new SignCommand({
      KeyId: demoAlias('RSA_4096'),
      Message: Buffer.from('busy'),
      SigningAlgorithm: 'RSASSA_PSS_SHA_256',
    }),
  );

/** The throttled-requests counter by reason, read from the operations listener. */
async function throttledBy(gateway: TestGateway, reason: string): Promise<number> {
  const text = await (await fetch(`${gateway.gateway.metricsUrl}/metrics`)).text();
  const line = new RegExp(`^qkms_throttled_requests_total\\{reason="${reason}"\\} (\\d+)$`, 'm');
  return Number(line.exec(text)?.[1]);
}

// One gateway at a time: token threads in one process share SoftHSM's single C_Initialize.
describe('one session, almost no wait for it', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: { QKMS_PKCS11_SESSIONS: '1', QKMS_PKCS11_ACQUIRE_TIMEOUT_MS: '1' },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('throttles what the single session cannot take', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => signWith(t.kms)));
    const names = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'success' : (o.reason as Error).name,
    );
    expect(names).toContain('success');
    expect(names).toContain('ThrottlingException');
    expect(names.every((n) => n === 'success' || n === 'ThrottlingException')).toBe(true);
  });

  it('lets the SDK retry throttled requests to success', async () => {
    const patient = new KMSClient({
      endpoint: t.gateway.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 10,
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => signWith(patient)));
    expect(outcomes.map((o) => o.status)).toEqual(Array(6).fill('fulfilled'));
    patient.destroy();
  }, 60_000);

  it('counts session-wait throttling in the metrics', async () => {
    const before = await throttledBy(t, 'session_wait');
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => signWith(t.kms)));
    const throttled = outcomes.filter(
      (o) => o.status === 'rejected' && (o.reason as Error).name === 'ThrottlingException',
    ).length;
    expect(throttled).toBeGreaterThan(0);
    expect((await throttledBy(t, 'session_wait')) - before).toBe(throttled);
  });
});

describe('a cap on requests in flight', () => {
  let capped: TestGateway;
  beforeAll(async () => {
    capped = await startTestGateway({ env: { QKMS_HTTP_MAX_IN_FLIGHT: '2' } });
  }, 60_000);
  afterAll(() => capped?.close());

  it('refuses requests beyond it at once, and only those', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => signWith(capped.kms)),
    );
    const names = outcomes.map((o) =>
      o.status === 'fulfilled' ? 'success' : (o.reason as Error).name,
    );
    expect(names).toContain('success');
    expect(names).toContain('ThrottlingException');
    expect(names.every((n) => n === 'success' || n === 'ThrottlingException')).toBe(true);
    const throttled = names.filter((n) => n === 'ThrottlingException').length;
    expect(await throttledBy(capped, 'in_flight')).toBe(throttled);
    expect(await throttledBy(capped, 'session_wait')).toBe(0);
  });
});

describe('a per-principal rate limit', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startTestGateway({
      env: { QKMS_RATE_LIMIT_RPS: '1', QKMS_RATE_LIMIT_BURST: '3' },
    });
  }, 60_000);
  afterAll(() => limited?.close());

  it('lets the burst through and throttles the rest', async () => {
    const names: string[] = [];
    // One after another: nothing here is in flight at once, so only the rate limit can refuse.
    for (let i = 0; i < 6; i++) {
      names.push(
        await signWith(limited.kms).then(
          () => 'success',
          (err: Error) => err.name,
        ),
      );
    }
    expect(names.slice(0, 3)).toEqual(['success', 'success', 'success']);
    expect(names.filter((n) => n === 'ThrottlingException').length).toBeGreaterThanOrEqual(2);
    expect(await throttledBy(limited, 'rate_limit')).toBe(
      names.filter((n) => n === 'ThrottlingException').length,
    );
  });
});
