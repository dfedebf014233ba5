// The built daemon as a child process with SigV4 on, driven by the AWS CLI, checked with
// openssl: what a user of the README's example does by hand.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoAlias } from '../../src/cli/dev-token';
import { freePort, runQkms, startDaemon, type Daemon } from '../support/daemon';
import { testTokenEnv } from '../support/test-token';
import { opensslVerifies } from '../support/verify-independently';

const ACCESS_KEY = { id: 'QKMSCLIKEY000001', secret: 'cli-secret-0123456789abcdef' };
const CLI_ENV = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY.id,
  AWS_SECRET_ACCESS_KEY: ACCESS_KEY.secret,
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

let daemon: Daemon;
let dir: string;

function aws(args: string[], env: Record<string, string> = {}): string {
  return execFileSync('aws', ['kms', ...args, '--endpoint-url', daemon.url, '--output', 'json'], {
    env: { ...process.env, ...CLI_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-e2e-'));
  const port = await freePort();
  daemon = await startDaemon(
    ['serve'],
    {
      ...testTokenEnv(),
      QKMS_LISTEN_PORT: String(port),
      QKMS_LOG_LEVEL: 'debug',
      QKMS_AUTH_MODE: 'sigv4',
      QKMS_CREDENTIALS: `principals:\n  cli:\n    - accessKeyId: ${ACCESS_KEY.id}\n      secretAccessKey: ${ACCESS_KEY.secret}\n`,
    },
    port,
  );
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it.each([
  ['ECC_NIST_P256', 'ECDSA_SHA_256'],
  ['RSA_2048', 'RSASSA_PSS_SHA_256'],
] as const)(
  'signs with %s / %s through the AWS CLI, and openssl verifies it',
  (spec, algorithm) => {
    const msg = join(dir, `${spec}.msg`);
    const sig = join(dir, `${spec}.sig`);
    const pub = join(dir, `${spec}.der`);
    writeFileSync(msg, `hello from the AWS CLI (${spec})`);
    const signed = JSON.parse(
      aws([
        'sign',
        '--key-id',
        demoAlias(spec),
        '--message',
        `fileb://${msg}`,
        '--message-type',
        'RAW',
        '--signing-algorithm',
        algorithm,
      ]),
    ) as { Signature: string; SigningAlgorithm: string };
    expect(signed.SigningAlgorithm).toBe(algorithm);
    writeFileSync(sig, Buffer.from(signed.Signature, 'base64'));
    const key = JSON.parse(aws(['get-public-key', '--key-id', demoAlias(spec)])) as {
      PublicKey: string;
    };
    writeFileSync(pub, Buffer.from(key.PublicKey, 'base64'));
    const verifiedByOpenssl = opensslVerifies(
      algorithm,
      readFileSync(pub),
      readFileSync(msg),
      readFileSync(sig),
    );
    expect(verifiedByOpenssl).toBe(true);
    const verified = JSON.parse(
      aws([
        'verify',
        '--key-id',
        demoAlias(spec),
        '--message',
        `fileb://${msg}`,
        '--signature',
        `fileb://${sig}`,
        '--signing-algorithm',
        algorithm,
      ]),
    ) as { SignatureValid: boolean };
    expect(verified.SignatureValid).toBe(true);
  },
);

it('reports KMS errors to the AWS CLI by name', () => {
  let stderr = '';
  try {
    aws(['describe-key', '--key-id', 'alias/does-not-exist']);
  } catch (err) {
    stderr = String((err as { stderr?: Buffer }).stderr);
  }
  expect(stderr).toContain(
    'An error occurred (NotFoundException) when calling the DescribeKey operation',
  );
});

it.each([
  [
    'a wrong secret',
    { AWS_SECRET_ACCESS_KEY: 'wrong-secret-0123456789' },
    'InvalidSignatureException',
  ],
  [
    'an unknown access key',
    { AWS_ACCESS_KEY_ID: 'QKMSNOBODY000001' },
    'UnrecognizedClientException',
  ],
])('refuses the AWS CLI with %s and produces no signature', (_what, env, exception) => {
  let stderr = '';
  let stdout = '';
  try {
    stdout = aws(
      [
        'sign',
        '--key-id',
        demoAlias('ECC_NIST_P256'),
        '--message',
        'fileb:///etc/hostname',
        '--signing-algorithm',
        'ECDSA_SHA_256',
      ],
      env,
    );
  } catch (err) {
    stderr = String((err as { stderr?: Buffer }).stderr);
  }
  expect(stdout).toBe('');
  expect(stderr).toContain(`An error occurred (${exception}) when calling the Sign operation`);
});

it('never writes the PIN or an access key secret into its logs, even at debug level', () => {
  const pin = readFileSync(testTokenEnv().QKMS_PIN_FILE as string, 'utf8').trim();
  expect(pin.length).toBeGreaterThan(0);
  expect(daemon.output()).not.toContain(pin);
  expect(daemon.output()).not.toContain(ACCESS_KEY.secret);
  expect(daemon.output()).toContain('"auth":"sigv4"');
});

it('refuses to listen beyond loopback while it has no authentication', async () => {
  const { code, output } = await runQkms(['serve'], {
    ...testTokenEnv(),
    QKMS_LISTEN_HOST: '0.0.0.0',
  });
  expect(code).toBe(1);
  expect(output).toContain(
    'listen.host 0.0.0.0 is not a loopback address: auth.mode none is allowed only on loopback',
  );
});

it('lists every configuration problem at once and exits 1', async () => {
  const env = {
    ...testTokenEnv(),
    QKMS_LISTEN_PORT: 'eighty',
    QKMS_PKCS11_SESSIONS: '0',
    QKMS_LOG_LEVEL: 'loud',
  };
  const { code, output } = await runQkms(['serve'], env);
  expect(code).toBe(1);
  expect(output).toContain('QKMS_LISTEN_PORT must be an integer');
  expect(output).toContain('QKMS_PKCS11_SESSIONS must be between 1 and 256 (got 0)');
  expect(output).toContain(
    'QKMS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  );
});

it('stops with exit code 78 and the CKR name on a wrong PIN, so supervisors do not retry it', async () => {
  const { QKMS_PIN_FILE: _file, ...env } = testTokenEnv();
  const { code, output } = await runQkms(['serve'], { ...env, QKMS_PIN: 'not-the-pin' });
  expect(code).toBe(78);
  expect(output).toContain(
    'login to token "qkms-test" failed with CKR_PIN_INCORRECT. QKMS never retries a PIN',
  );
  expect(output).not.toContain('not-the-pin');
});

it('exits 0 on SIGTERM after closing the token', async () => {
  expect(await daemon.stop()).toBe(0);
});
