// Pairwise self-verify: a token signature corrupted on its way out (the test hook flips a bit,
// as a faulty CRT computation would) is refused, counted and never returned.

import { createHash } from 'node:crypto';
import { SignCommand, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ corruptSignatures: true });
}, 60_000);
afterAll(() => t?.close());

async function failuresCounted(): Promise<number> {
  const text = await (await fetch(`${t.gateway.metricsUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('qkms_self_verify_failures_total{'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

it.each([
  ['RSASSA_PKCS1_V1_5_SHA_256', 'RAW'],
  ['RSASSA_PKCS1_V1_5_SHA_384', 'DIGEST'],
  ['RSASSA_PSS_SHA_256', 'RAW'],
  ['RSASSA_PSS_SHA_512', 'DIGEST'],
] as const)(
  'withholds a corrupted %s signature over a %s message',
  async (algorithm, messageType) => {
    const before = await failuresCounted();
    const hash = `sha${algorithm.slice(-3)}`;
    const message =
      messageType === 'RAW'
        ? Buffer.from('faulty hsm')
        : createHash(hash).update('faulty hsm').digest();
    const err = await failure(
      t.kms.send(
        new SignCommand({
          KeyId: demoAlias('RSA_2048'),
          Message: message,
          MessageType: messageType,
          SigningAlgorithm: algorithm as SigningAlgorithmSpec,
        }),
      ),
    );
    expect(err.name).toBe('KMSInternalException');
    expect(err.message).toBe(
      'The HSM returned a signature that does not verify; it was withheld. Retry, and report it if it persists.',
    );
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(await failuresCounted()).toBe(before + 1);
  },
);
