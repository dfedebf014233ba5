// Property-based tests over the protocol and auth layers: arbitrary headers and bodies never
// crash the daemon, never get an answer that is not KMS-shaped, and never yield a signature
// without valid credentials. Bounded runs with a fixed seed, so failures reproduce.

import { request } from 'node:http';
import fc from 'fast-check';
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEY = { accessKeyId: 'QKMSFUZZKEY00001', secretAccessKey: 'fuzz-secret-0123456789' };
const CREDENTIALS = `principals:\n  fuzz:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;
const KMS_STATUSES = [400, 403, 412, 413];

interface Answer {
  status: number;
  body: string;
}

function send(url: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);
const targets = fc.oneof(
  fc.constantFrom(
    'TrentService.Sign',
    'TrentService.Verify',
    'TrentService.GenerateMac',
    'TrentService.CreateKey',
    'TrentService.ListKeys',
  ),
  headerValue,
);
const authorizations = fc.oneof(
  headerValue,
  fc
    .record({
      id: fc.constantFrom(KEY.accessKeyId, 'QKMSOTHER0000001', ''),
      date: fc.stringMatching(/^\d{8}$/),
      headers: fc.constantFrom('host;x-amz-date;x-amz-target', 'host', 'x-amz-target', ''),
      signature: fc.stringMatching(/^[0-9a-f]{0,64}$/),
    })
    .map(
      (a) =>
        `AWS4-HMAC-SHA256 Credential=${a.id}/${a.date}/us-east-1/kms/aws4_request, SignedHeaders=${a.headers}, Signature=${a.signature}`,
    ),
);
const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc
    .record({
      KeyId: fc.oneof(fc.constant(demoAlias('ECC_NIST_P256')), fc.string(), fc.integer()),
      Message: fc.oneof(fc.base64String({ maxLength: 40 }), fc.string(), fc.constant(null)),
      MessageType: fc.oneof(fc.constantFrom('RAW', 'DIGEST'), fc.string()),
      SigningAlgorithm: fc.oneof(fc.constant('ECDSA_SHA_256'), fc.string()),
      __proto__: fc.object(),
    })
    .map((v) => Buffer.from(JSON.stringify(v))),
);

function isKmsError(answer: Answer): boolean {
  if (!KMS_STATUSES.includes(answer.status)) return false;
  const parsed = JSON.parse(answer.body) as { __type?: unknown; message?: unknown };
  return typeof parsed.__type === 'string' && typeof parsed.message === 'string';
}

describe.each(['sigv4', 'none'] as const)('with auth.mode %s', (mode) => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({
      env: mode === 'sigv4' ? { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS } : {},
      clientCredentials: KEY,
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('answers arbitrary requests with KMS-shaped client errors (or, unauthenticated, a valid answer), never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        targets,
        authorizations,
        fc.constantFrom('application/x-amz-json-1.1', 'application/json', 'text/plain', ''),
        headerValue,
        bodies,
        async (target, authorization, contentType, amzDate, body) => {
          const answer = await send(
            t.gateway.url,
            {
              'x-amz-target': target,
              authorization,
              'content-type': contentType,
              'x-amz-date': amzDate,
            },
            body,
          );
          if (mode === 'sigv4') {
            // Without a valid signature nothing is answered but an authentication error.
            expect(isKmsError(answer)).toBe(true);
            expect(answer.body).not.toContain('"Signature"');
          } else {
            expect(answer.status === 200 || isKmsError(answer)).toBe(true);
          }
        },
      ),
      { numRuns: 250, seed: 20261123 },
    );
  }, 120_000);

  it('still signs for a valid request afterwards', async () => {
    const kms = new KMSClient({
      endpoint: t.gateway.url,
      region: 'us-east-1',
      credentials: KEY,
      maxAttempts: 1,
    });
    const out = await kms.send(
      new SignCommand({
        KeyId: demoAlias('ECC_NIST_P256'),
        Message: Buffer.from('ok'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(out.Signature?.length).toBeGreaterThan(60);
    kms.destroy();
  });
});
