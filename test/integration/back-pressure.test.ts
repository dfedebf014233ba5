// Back-pressure: with one PKCS#11 session and almost no wait allowed for it, concurrent signing
// gets ThrottlingException quickly instead of queueing without bound; the SDK's retries then
// get every signature through.

import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({
    env: { QKMS_PKCS11_SESSIONS: '1', QKMS_PKCS11_ACQUIRE_TIMEOUT_MS: '1' },
  });
}, 60_000);
afterAll(() => t?.close());

// RSA-4096 signing takes milliseconds in SoftHSM: long enough for a single session to be busy.
const signWith = (kms: KMSClient) =>
  kms.send(
    new SignCommand({
      KeyId: demoAlias('RSA_4096'),
      Message: Buffer.from('busy'),
      SigningAlgorithm: 'RSASSA_PSS_SHA_256',
    }),
  );

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
