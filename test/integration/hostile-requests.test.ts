// Requests from a hostile or broken client, with SigV4 on: hang-ups in the middle of a body,
// malformed URIs, two kinds of authentication at once, invalid UTF-8, numbers JSON cannot hold.
// None of it is a server error: every answer is a 4xx KMS error, hang-ups are counted apart
// (ClientClosedRequest), and the server-error counter never moves, also under a property run of
// random aborted and malformed requests.

import { type Socket, connect } from 'node:net';
import fc from 'fast-check';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { tamperAfterSigning, tamperBeforeSigning } from '../support/raw-requests';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEY = { accessKeyId: 'QKMSHOSTILE00001', secretAccessKey: 'hostile-secret-0123456789' };
const CREDENTIALS = `principals:\n  hostile:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;
const SERVER_ERRORS =
  /^qkms_requests_total\{[^}]*outcome="(KMSInternalException|KeyUnavailableException|DependencyTimeoutException)"[^}]*\} (\d+)/gm;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({
    env: { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS },
    clientCredentials: KEY,
  });
}, 60_000);
afterAll(() => t?.close());

async function metrics(): Promise<string> {
  return (await fetch(`${t.gateway.metricsUrl}/metrics`)).text();
}

async function serverErrors(): Promise<number> {
  let sum = 0;
  for (const m of (await metrics()).matchAll(SERVER_ERRORS)) sum += Number(m[2]);
  return sum;
}

/** Headers and part of a body, then a hang-up: what a client that dies mid-request does. */
function hangUpMidBody(partial: string, declared: number): Promise<void> {
  const { hostname, port } = new URL(t.gateway.url);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.Sign\r\nContent-Length: ${declared}\r\n\r\n${partial}`,
      );
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
}

it('counts clients that hang up mid-body apart from server errors', async () => {
  const before = await serverErrors();
  await Promise.all(Array.from({ length: 20 }, () => hangUpMidBody('{"KeyId": "alias/x', 400)));
  // The counter is written once the server noticed each hang-up.
  let closed = 0;
  for (let i = 0; i < 50 && closed < 20; i++) {
    const m = /^qkms_requests_total\{[^}]*outcome="ClientClosedRequest"[^}]*\} (\d+)/m.exec(
      await metrics(),
    );
    closed = Number(m?.[1] ?? 0);
    if (closed < 20) await new Promise((r) => setTimeout(r, 100));
  }
  expect(closed).toBeGreaterThanOrEqual(20);
  expect(await serverErrors()).toBe(before);
});

it('answers a malformed query string with a 4xx before anything else, signed or not', async () => {
  const before = await serverErrors();
  const raw = await fetch(`${t.gateway.url}/?a=%ZZ`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.ListKeys',
    },
    body: '{}',
  });
  // Unsigned, it is refused for the missing signature; either way a client error.
  expect(raw.status).toBe(403);
  // A real access key id with a wrong signature (the SDK would escape the %, so a raw socket):
  // the URI is refused as malformed before the signature is looked at.
  const answer = await rawExchange({
    target: 'TrentService.ListKeys',
    path: '/?a=%ZZ',
    auth: signatureHeaders(KEY.accessKeyId, 'ab'.repeat(32)),
    body: Buffer.from('{}'),
    hangUpAt: undefined,
  });
  expect(answer.status).toBe(400);
  expect(answer.body).toContain('SerializationException');
  expect(await serverErrors()).toBe(before);
});

it('refuses a header-signed request that also carries query authentication', async () => {
  const client = tamperAfterSigning(t.gateway.url, KEY, (request) => {
    request.query = { 'X-Amz-Signature': 'a'.repeat(64) };
  });
  const err = (await client.send(new ListKeysCommand({})).catch((e: unknown) => e)) as Error;
  client.destroy();
  expect(err.name).toBe('IncompleteSignatureException');
  expect(err.message).toContain('Only one auth mechanism allowed');
});

/** A correctly signed request whose body is exactly these bytes. */
async function signedWithBody(
  body: Buffer,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const client = tamperBeforeSigning(t.gateway.url, KEY, (request) => {
    request.body = body;
  });
  try {
    return (await client.send(new ListKeysCommand({})).catch((e: unknown) => e)) as Error;
  } finally {
    client.destroy();
  }
}

it('refuses a signed body that is not valid UTF-8 as a serialization error', async () => {
  const body = Buffer.concat([
    Buffer.from('{"KeyId": "alias/'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}'),
  ]);
  const err = await signedWithBody(body);
  expect(err.name).toBe('SerializationException');
  expect(err.message).toContain('UTF-8');
  expect(err.$metadata?.httpStatusCode).toBe(400);
});

it('refuses an integer Limit JSON numbers cannot hold exactly', async () => {
  const err = await signedWithBody(Buffer.from('{"Limit": 9007199254740993}'));
  expect(err.name).toBe('SerializationException');
  expect(err.message).toContain("'Limit'");
  // The largest exact integer still gets the ordinary range check, not a serialization error.
  const inRange = await signedWithBody(Buffer.from('{"Limit": 9007199254740991}'));
  expect(inRange.name).toBe('ValidationException');
});

// Random unauthenticated noise: hang-ups at any byte of a request, malformed paths and query
// strings, invalid bodies, both kinds of authentication, a real key id with a wrong signature.
const KMS_TARGETS = ['TrentService.Sign', 'TrentService.ListKeys', 'TrentService.DescribeKey'];
const pathNoise = fc.oneof(
  fc.constant('/'),
  fc.constantFrom(
    '/?a=%ZZ',
    '/%',
    '/?%E0%A4%A',
    '/?X-Amz-Signature=00&X-Amz-Credential=%',
    '/?%00=%FF',
  ),
  fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/),
);
/** SigV4 headers naming this key id, with a signature that is not the right one. */
function signatureHeaders(accessKeyId: string, signature: string): string {
  // Dated now, so the request gets past the clock check to the signature itself.
  const stamp = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  return (
    `Authorization: AWS4-HMAC-SHA256 Credential=${accessKeyId}/${stamp.slice(0, 8)}/us-east-1/kms/aws4_request, ` +
    `SignedHeaders=host;x-amz-date;x-amz-target, Signature=${signature}\r\nX-Amz-Date: ${stamp}\r\n`
  );
}

const authNoise = fc.oneof(
  fc.constant(''),
  fc
    .record({
      id: fc.constantFrom(KEY.accessKeyId, 'QKMSNOBODY000001'),
      signature: fc.stringMatching(/^[0-9a-f]{64}$/),
    })
    .map(({ id, signature }) => signatureHeaders(id, signature)),
);
const bodyNoise = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => Buffer.from(JSON.stringify({ KeyId: v, Limit: v }) ?? '{}')),
);
const noise = fc.record({
  target: fc.constantFrom(...KMS_TARGETS),
  path: pathNoise,
  auth: authNoise,
  body: bodyNoise,
  // Where the client hangs up: never, or after this many bytes of the request.
  hangUpAt: fc.option(fc.nat({ max: 400 }), { nil: undefined }),
});

type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never;

/** One raw request; resolves with the answer's status (0 when the client hung up first) and text. */
function rawExchange(n: Noise): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(t.gateway.url);
  const head =
    `POST ${n.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/x-amz-json-1.1\r\n` +
    `X-Amz-Target: ${n.target}\r\n${n.auth}Content-Length: ${n.body.length}\r\nConnection: close\r\n\r\n`;
  const bytes = Buffer.concat([Buffer.from(head), n.body]);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => {
      if (n.hangUpAt === undefined || n.hangUpAt >= bytes.length) {
        socket.write(bytes);
        return;
      }
      socket.write(bytes.subarray(0, n.hangUpAt), () => setTimeout(() => socket.destroy(), 5));
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const done = () =>
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), body: answer });
    socket.on('close', done);
    socket.on('error', done);
  });
}

it('never moves the server-error counter under random aborted and malformed requests', async () => {
  const before = await serverErrors();
  const statuses: number[] = [];
  await fc.assert(
    fc.asyncProperty(noise, async (n) => {
      const { status } = await rawExchange(n);
      statuses.push(status);
      // A completed exchange is always a client error; a hang-up may have no answer at all.
      if (status !== 0) expect(status >= 400 && status < 500).toBe(true);
    }),
    { numRuns: 150, seed: 1304 },
  );
  // The run exercised both sides: answered requests and hang-ups.
  expect(statuses.filter((s) => s !== 0).length).toBeGreaterThan(10);
  expect(statuses.filter((s) => s === 0).length).toBeGreaterThan(10);
  expect(await serverErrors()).toBe(before);
}, 60_000);
