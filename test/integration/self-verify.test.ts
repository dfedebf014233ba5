// Pairwise self-verify: an HSM that turns faulty after start-up and returns RSA signatures that
// do not verify (a bad CRT computation; the test module native/corrupt-signatures.c flips a bit
// in what SoftHSM's C_Sign returns while a file beside it exists) has every such signature refused,
// counted and never returned; once the fault is gone, signing works again.

import { createHash, createPublicKey, verify, constants } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, SignCommand, type SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { buildShim } from '../support/native-shims';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
let dir: string;
let faultFlag: string;
const faulty = (on: boolean): void =>
  on ? writeFileSync(faultFlag, '') : rmSync(faultFlag, { force: true });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-self-verify-'));
  const module = buildShim('corrupt-signatures', dir);
  faultFlag = `${module}.faulty`;
  t = await startTestGateway({ env: { QKMS_PKCS11_MODULE: module } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => faulty(false));

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
    faulty(true);
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

it('signs again once the fault is gone, and what it returns verifies', async () => {
  const KeyId = demoAlias('RSA_2048');
  const message = Buffer.from('healthy hsm');
  faulty(true);
  await expect(
    t.kms.send(
      new SignCommand({ KeyId, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
    ),
  ).rejects.toMatchObject({ name: 'KMSInternalException' });
  faulty(false);
  const signed = await t.kms.send(
    new SignCommand({ KeyId, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
  );
  const spki = (await t.kms.send(new GetPublicKeyCommand({ KeyId }))).PublicKey as Uint8Array;
  const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const ok = verify(
    'sha256',
    message,
    { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    Buffer.from(signed.Signature as Uint8Array),
  );
  expect(ok).toBe(true);
});
