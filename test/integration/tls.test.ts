// TLS on the API listener (certificates made with openssl in the test): TLS 1.2+ only, plain
// HTTP refused, the certificate reloaded on change, and mutual TLS with the client certificate's
// CN as the principal.

import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { KMSClient, ListKeysCommand, SignCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { demoAlias } from '../../src/cli/dev-token';
import { makeCa, makeLeaf } from '../support/certificates';
import { eventually } from '../support/eventually';
import { startTestGateway, testTokenEnv, type TestGateway } from '../support/test-token';

const KEY = { accessKeyId: 'QKMSTLSKEY000001', secretAccessKey: 'tls-secret-0123456789ab' };
const CREDENTIALS = `principals:\n  tls-app:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;

let dir: string;
let ca: { cert: string; key: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-tls-'));
  ca = makeCa(dir);
  const server = makeLeaf(dir, ca, 'server', 'localhost', true);
  copyFileSync(server.cert, join(dir, 'live.pem'));
  copyFileSync(server.key, join(dir, 'live.key'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kmsOver(url: string, agent: Agent): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: KEY,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
  });
}

/** The serial number of the certificate the server presents, or the handshake error. */
function handshake(
  url: string,
  options: { maxVersion?: 'TLSv1.1' | 'TLSv1.3'; cert?: Buffer; key?: Buffer } = {},
): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(
      {
        host: '127.0.0.1',
        port: Number(port),
        ca: readFileSync(ca.cert),
        servername: 'localhost',
        ...options,
      },
      () => {
        const serial = socket.getPeerCertificate().serialNumber;
        socket.end();
        resolve(serial);
      },
    );
    socket.on('error', (err) => resolve(`error: ${err.message}`));
  });
}

describe('TLS with SigV4', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: {
        QKMS_AUTH_MODE: 'sigv4',
        QKMS_CREDENTIALS: CREDENTIALS,
        QKMS_TLS_CERT_FILE: join(dir, 'live.pem'),
        QKMS_TLS_KEY_FILE: join(dir, 'live.key'),
      },
      clientCredentials: KEY,
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('serves the SDK over https with a certificate the client checks', async () => {
    expect(t.gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const kms = kmsOver(t.gateway.url, new Agent({ ca: readFileSync(ca.cert) }));
    const out = await kms.send(
      new SignCommand({
        KeyId: demoAlias('ECC_NIST_P256'),
        Message: Buffer.from('over tls'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(out.Signature?.length).toBeGreaterThan(60);
    kms.destroy();
  });

  it('refuses TLS 1.1 and plain HTTP', async () => {
    expect(await handshake(t.gateway.url, { maxVersion: 'TLSv1.1' })).toMatch(/^error: /);
    await expect(fetch(t.gateway.url.replace('https:', 'http:'))).rejects.toThrow();
  });

  it('picks up a renewed certificate without a restart', async () => {
    const before = await handshake(t.gateway.url);
    const renewed = makeLeaf(dir, ca, 'renewed', 'localhost', true);
    copyFileSync(renewed.key, join(dir, 'live.key'));
    copyFileSync(renewed.cert, join(dir, 'live.pem'));
    const after = await eventually(async () => {
      const serial = await handshake(t.gateway.url);
      return serial !== before && !serial.startsWith('error') ? serial : undefined;
    }, 10_000);
    expect(after).toBeDefined();
  }, 30_000);
});

describe('mutual TLS', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: {
        QKMS_AUTH_MODE: 'mtls',
        QKMS_TLS_CERT_FILE: join(dir, 'live.pem'),
        QKMS_TLS_KEY_FILE: join(dir, 'live.key'),
        QKMS_TLS_CLIENT_CA_FILE: ca.cert,
      },
    });
  }, 60_000);
  afterAll(() => t?.close());

  it('authenticates a client certificate signed by the CA, its CN being the principal', async () => {
    const client = makeLeaf(dir, ca, 'client', 'billing-service', false);
    const agent = new Agent({
      ca: readFileSync(ca.cert),
      cert: readFileSync(client.cert),
      key: readFileSync(client.key),
    });
    const kms = kmsOver(t.gateway.url, agent);
    const out = await kms.send(
      new SignCommand({
        KeyId: demoAlias('ECC_NIST_P256'),
        Message: Buffer.from('mtls'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const audit = readFileSync(testTokenEnv().QKMS_AUDIT_FILE as string, 'utf8');
    const line = audit.split('\n').find((l) => l.includes(out.$metadata.requestId as string));
    expect(JSON.parse(line as string)).toMatchObject({
      principal: 'billing-service',
      operation: 'Sign',
      outcome: 'success',
    });
    kms.destroy();
  });

  it('refuses clients without a certificate, or with one from another CA', async () => {
    const stranger = makeCa(dir, 'stranger');
    const foreign = makeLeaf(dir, stranger, 'foreign', 'intruder', false);
    for (const agent of [
      new Agent({ ca: readFileSync(ca.cert) }),
      new Agent({
        ca: readFileSync(ca.cert),
        cert: readFileSync(foreign.cert),
        key: readFileSync(foreign.key),
      }),
    ]) {
      const kms = kmsOver(t.gateway.url, agent);
      await expect(kms.send(new ListKeysCommand({}))).rejects.toThrow();
      kms.destroy();
    }
  });
});
