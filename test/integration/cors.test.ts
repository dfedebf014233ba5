// http.cors.allowedOrigins on a real gateway: unset, no answer carries a CORS header; set, a
// listed origin's preflight is answered before authentication with exactly the headers a KMS
// call needs, its calls (successes and errors alike) may read the request id and error type,
// and any other origin gets no CORS header at all.

import { CORS_ALLOWED_HEADERS } from '../../src/http/cors';
import { callKms, send, type WireAnswer } from '../support/signed-request';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEY = { accessKeyId: 'QKMSCORS00000001', secretAccessKey: 'cors-secret-0123456789' };
const CREDENTIALS = `principals:\n  browser:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;
const SIGV4 = { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS };
const DOCS = 'http://localhost:3000';
const OTHER = 'https://attacker.example';

function preflight(gateway: TestGateway, origin: string, headers = 'content-type,x-amz-target') {
  return send(`${gateway.gateway.url}/`, 'OPTIONS', {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': headers,
  });
}

const corsHeaders = (answer: WireAnswer): string[] =>
  Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'));

// One gateway at a time: each closes (C_Finalize) the one SoftHSM module of this process.
describe('without http.cors.allowedOrigins (the default)', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ env: SIGV4, clientCredentials: KEY });
  }, 60_000);
  afterAll(() => gateway?.close());

  it('answers a preflight as any unknown request, with no CORS header', async () => {
    const answer = await preflight(gateway, DOCS);
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(corsHeaders(answer)).toEqual([]);
  });

  it('serves a signed call that carries an Origin, with no CORS header', async () => {
    const answer = await callKms(gateway.gateway.url, 'ListKeys', '{}', KEY, { origin: DOCS });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer)).toEqual([]);
    expect(answer.headers.vary).toBeUndefined();
  });
});

describe('with http.cors.allowedOrigins', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      // The second entry is normalised to the origin browsers send (no default port, lower case).
      env: { ...SIGV4, QKMS_HTTP_CORS_ALLOWED_ORIGINS: `${DOCS},HTTPS://Docs.Example.com:443/` },
      clientCredentials: KEY,
    });
  }, 60_000);
  afterAll(() => gateway?.close());

  it('answers a listed origin’s preflight before authentication, with only the KMS headers', async () => {
    const answer = await preflight(gateway, DOCS, 'authorization,content-type,x-amz-date');
    expect(answer.status).toBe(204);
    expect(answer.body).toBe('');
    expect(answer.headers['access-control-allow-origin']).toBe(DOCS);
    expect(answer.headers['access-control-allow-methods']).toBe('POST');
    expect(answer.headers['access-control-allow-headers']).toBe(CORS_ALLOWED_HEADERS.join(', '));
    expect(answer.headers['access-control-max-age']).toBe('600');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    expect(answer.headers.vary).toBe('Origin');
    const normalised = await preflight(gateway, 'https://docs.example.com');
    expect(normalised.status).toBe(204);
  });

  it('refuses the preflight of an origin that is not listed, with no CORS header', async () => {
    for (const origin of [OTHER, 'http://localhost:3001', 'null']) {
      const answer = await preflight(gateway, origin);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        __type: 'AccessDeniedException',
        message: `Cross-origin requests from ${origin} are not allowed (http.cors.allowedOrigins).`,
      });
      expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(corsHeaders(answer)).toEqual([]);
    }
  });

  it('lets a listed origin read the request id of a signed call', async () => {
    const answer = await callKms(gateway.gateway.url, 'ListKeys', '{}', KEY, { origin: DOCS });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(DOCS);
    expect(answer.headers['access-control-expose-headers']).toBe(
      'x-amzn-RequestId, x-amzn-ErrorType',
    );
    expect(answer.headers.vary).toBe('Origin');
    expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('still authenticates a listed origin’s calls, and lets it read the error', async () => {
    const wrong = { ...KEY, secretAccessKey: 'not-the-secret-0123456789' };
    const answer = await callKms(gateway.gateway.url, 'ListKeys', '{}', wrong, { origin: DOCS });
    expect(answer.status).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('InvalidSignatureException');
    expect(answer.headers['access-control-allow-origin']).toBe(DOCS);
    expect(answer.headers['access-control-expose-headers']).toBe(
      'x-amzn-RequestId, x-amzn-ErrorType',
    );
    const unsigned = await callKms(gateway.gateway.url, 'ListKeys', '{}', null, { origin: DOCS });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
  });

  it('serves calls from other origins as before, without CORS headers', async () => {
    const answer = await callKms(gateway.gateway.url, 'ListKeys', '{}', KEY, { origin: OTHER });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer)).toEqual([]);
    const noOrigin = await callKms(gateway.gateway.url, 'ListKeys', '{}', KEY);
    expect(corsHeaders(noOrigin)).toEqual([]);
  });

  it('treats an OPTIONS request without an Origin as no preflight', async () => {
    const answer = await send(`${gateway.gateway.url}/`, 'OPTIONS', {
      'access-control-request-method': 'POST',
    });
    expect(answer.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(corsHeaders(answer)).toEqual([]);
  });
});
