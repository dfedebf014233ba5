// http.allowedHosts: a signed request addressed (by its signed Host header) to a name the
// gateway does not serve is refused; names match without regard to case, bare names at any
// port, names with a port only at that port (a Host header without one names the default port);
// unset, any name is served. One request, one Host header.

import { connect } from 'node:net';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { tamperBeforeSigning } from '../support/raw-requests';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEY = { accessKeyId: 'QKMSHOSTS0000001', secretAccessKey: 'hosts-secret-0123456789' };
const CREDENTIALS = `principals:\n  hosts:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;
const SIGV4 = { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS };

/** ListKeys signed (with `credentials`) for this Host header; the error's name, or 'ok'. */
async function listKeysAs(
  gateway: TestGateway,
  host: string | undefined,
  credentials = KEY,
): Promise<string> {
  const client = tamperBeforeSigning(gateway.gateway.url, credentials, (request) => {
    if (host !== undefined) request.headers.host = host;
  });
  try {
    await client.send(new ListKeysCommand({}));
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  } finally {
    client.destroy();
  }
}

// One gateway at a time: each closes (C_Finalize) the one SoftHSM module of this process.
describe('with http.allowedHosts set', () => {
  let restricted: TestGateway;
  beforeAll(async () => {
    restricted = await startTestGateway({
      env: { ...SIGV4, QKMS_HTTP_ALLOWED_HOSTS: 'kms.example.internal,KMS.Other.Example:8443' },
      clientCredentials: KEY,
    });
  }, 60_000);
  afterAll(() => restricted?.close());

  it('refuses a host name that is not listed, with a message naming the setting', async () => {
    const err = (await restricted.kms
      .send(new ListKeysCommand({}))
      .catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toContain('http.allowedHosts');
    expect(await listKeysAs(restricted, 'kms.example.internal.attacker.example')).toBe(
      'AccessDeniedException',
    );
  });

  it('serves listed names: any case, bare names at any port, names with a port at that port', async () => {
    expect(await listKeysAs(restricted, 'kms.example.internal')).toBe('ok');
    expect(await listKeysAs(restricted, 'kms.example.internal.')).toBe('ok');
    expect(await listKeysAs(restricted, 'KMS.Example.Internal:1234')).toBe('ok');
    expect(await listKeysAs(restricted, 'kms.other.example:8443')).toBe('ok');
    expect(await listKeysAs(restricted, 'kms.other.example:9000')).toBe('AccessDeniedException');
    // Without a port the request is addressed to the default one (80 here, no TLS).
    expect(await listKeysAs(restricted, 'kms.other.example')).toBe('AccessDeniedException');
  });

  it('checks the signature first: a listed host does not stand in for credentials', async () => {
    const wrong = { accessKeyId: KEY.accessKeyId, secretAccessKey: 'not-the-secret-0123456789' };
    expect(await listKeysAs(restricted, 'kms.example.internal', wrong)).toBe(
      'InvalidSignatureException',
    );
  });
});

describe('without http.allowedHosts', () => {
  let open: TestGateway;
  beforeAll(async () => {
    open = await startTestGateway({ env: SIGV4, clientCredentials: KEY });
  }, 60_000);
  afterAll(() => open?.close());

  it('serves any host name when the setting is unset', async () => {
    expect(await listKeysAs(open, undefined)).toBe('ok');
    expect(await listKeysAs(open, 'anything.example:80')).toBe('ok');
  });

  it('refuses a request with two Host headers before anything else', async () => {
    const { hostname, port } = new URL(open.gateway.url);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), hostname, () =>
        socket.end(
          `POST / HTTP/1.1\r\nHost: ${hostname}:${port}\r\nHost: kms.example.internal\r\n` +
            'X-Amz-Target: TrentService.ListKeys\r\nContent-Type: application/x-amz-json-1.1\r\n' +
            'Content-Length: 2\r\nConnection: close\r\n\r\n{}',
        ),
      );
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('A request may carry one Host header.');
  });
});
