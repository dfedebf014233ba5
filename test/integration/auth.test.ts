// SigV4 authentication through the real SDK: valid keys (two per principal, for rotation) work;
// every way of getting it wrong is refused with AWS's exception and no signature is produced;
// credentials reload without a restart.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient, ListKeysCommand, SignCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { eventually } from '../support/eventually';
import { postKms, tamperAfterSigning } from '../support/raw-requests';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEY_A1 = { accessKeyId: 'QKMSAPPKEY000001', secretAccessKey: 'first-secret-of-app-0001' };
const KEY_A2 = { accessKeyId: 'QKMSAPPKEY000002', secretAccessKey: 'second-secret-of-app-002' };
const KEY_NEW = { accessKeyId: 'QKMSAPPKEY000003', secretAccessKey: 'rotated-in-secret-0003' };
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const document = (...keys: { accessKeyId: string; secretAccessKey: string }[]) =>
  `principals:\n  app:\n${keys.map((k) => `    - accessKeyId: ${k.accessKeyId}\n      secretAccessKey: "${k.secretAccessKey}"\n`).join('')}`;

let dir: string;
let file: string;
let t: TestGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-auth-'));
  file = join(dir, 'credentials.yaml');
  writeFileSync(file, document(KEY_A1, KEY_A2));
  t = await startTestGateway({
    env: { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS_FILE: file },
    clientCredentials: KEY_A1,
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(
  credentials: { accessKeyId: string; secretAccessKey: string },
  systemClockOffset = 0,
): KMSClient {
  const kms = new KMSClient({
    endpoint: t.gateway.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  kms.config.systemClockOffset = systemClockOffset;
  return kms;
}

const sign = (kms: KMSClient) =>
  kms.send(
    new SignCommand({
      KeyId: demoAlias('ECC_NIST_P256'),
      Message: Buffer.from('authenticated'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );

it('signs for both live keys of a principal', async () => {
  for (const key of [KEY_A1, KEY_A2])
    expect((await sign(client(key))).Signature?.length).toBeGreaterThan(60);
});

it('refuses a wrong secret with InvalidSignatureException', async () => {
  const err = await failure(sign(client({ ...KEY_A1, secretAccessKey: 'not-the-right-secret' })));
  expect(err.name).toBe('InvalidSignatureException');
  expect(err.message).toBe(MISMATCH);
  expect(err.$metadata.httpStatusCode).toBe(400);
});

it('refuses an unknown access key with UnrecognizedClientException', async () => {
  const err = await failure(
    sign(client({ accessKeyId: 'QKMSUNKNOWNKEY01', secretAccessKey: 'whatever-secret-1' })),
  );
  expect(err.name).toBe('UnrecognizedClientException');
  expect(err.message).toBe('The security token included in the request is invalid.');
});

it('refuses expired and future signatures', async () => {
  const expired = await failure(sign(client(KEY_A1, -10 * 60_000)));
  expect(expired.name).toBe('InvalidSignatureException');
  expect(expired.message).toMatch(
    /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
  );
  const future = await failure(sign(client(KEY_A1, 10 * 60_000)));
  expect(future.name).toBe('InvalidSignatureException');
  expect(future.message).toMatch(/^Signature not yet current: /);
});

it.each([
  [
    'the body',
    (r: { body?: unknown }) =>
      (r.body = Buffer.from(r.body as Uint8Array)
        .toString()
        .replace('ECDSA_SHA_256', 'ECDSA_SHA_384')),
  ],
  [
    'the target',
    (r: { headers: Record<string, string> }) =>
      (r.headers['x-amz-target'] = 'TrentService.GetPublicKey'),
  ],
  [
    'the host',
    (r: { headers: Record<string, string> }) =>
      (r.headers.host = `localhost:${new URL(t.gateway.url).port}`),
  ],
  [
    'the payload hash header',
    (r: { headers: Record<string, string> }) =>
      (r.headers['x-amz-content-sha256'] = '0'.repeat(64)),
  ],
])('refuses a request whose %s changed after signing', async (_what, tamper) => {
  const kms = tamperAfterSigning(t.gateway.url, KEY_A1, tamper as never);
  const err = await failure(sign(kms));
  expect(err.name).toBe('InvalidSignatureException');
  kms.destroy();
});

it('refuses a signature that does not cover x-amz-target', async () => {
  const kms = tamperAfterSigning(t.gateway.url, KEY_A1, (r) => {
    r.headers.authorization = String(r.headers.authorization).replace(
      /SignedHeaders=([^,]*)/,
      (_m, list: string) =>
        `SignedHeaders=${list
          .split(';')
          .filter((h) => h !== 'x-amz-target')
          .join(';')}`,
    );
  });
  const err = await failure(sign(kms));
  expect(err.name).toBe('InvalidSignatureException');
  expect(err.message).toBe("'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.");
  kms.destroy();
});

it.each([
  ['no Authorization header', undefined, 403, 'MissingAuthenticationTokenException'],
  ['a Basic Authorization header', 'Basic dXNlcjpwYXNz', 400, 'IncompleteSignatureException'],
  [
    'an Authorization header without a signature',
    `AWS4-HMAC-SHA256 Credential=${KEY_A1.accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target`,
    400,
    'IncompleteSignatureException',
  ],
  [
    'a truncated credential',
    'AWS4-HMAC-SHA256 Credential=QKMSAPPKEY000001/20260101, SignedHeaders=host, Signature=' +
      'a'.repeat(64),
    400,
    'IncompleteSignatureException',
  ],
])('refuses %s before looking at the request', async (_what, authorization, status, type) => {
  const res = await postKms(
    t.gateway.url,
    'TrentService.Sign',
    JSON.stringify({
      KeyId: demoAlias('ECC_NIST_P256'),
      Message: 'aGk=',
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
    { ...(authorization ? { authorization } : {}), 'x-amz-date': '20260101T000000Z' },
  );
  expect(res.status).toBe(status);
  expect(res.json.__type).toBe(type);
  expect(res.json.Signature).toBeUndefined();
});

it('reloads the credentials file without a restart: a rotated-in key works, a removed one stops', async () => {
  writeFileSync(file, document(KEY_A2, KEY_NEW));
  const rotated = await eventually(
    async () => ((await sign(client(KEY_NEW))).Signature ? true : undefined),
    10_000,
  );
  expect(rotated).toBe(true);
  const err = await failure(sign(client(KEY_A1)));
  expect(err.name).toBe('UnrecognizedClientException');
  expect((await client(KEY_A2).send(new ListKeysCommand({}))).Keys?.length).toBeGreaterThan(0);
}, 30_000);

it('keeps the current credentials when the new file is broken', async () => {
  writeFileSync(file, 'principals: [this is not valid');
  await new Promise((r) => setTimeout(r, 2500)); // two polls of the file watcher
  expect((await sign(client(KEY_NEW))).Signature?.length).toBeGreaterThan(60);
});
