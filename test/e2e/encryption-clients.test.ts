// The built daemon as a child process, with the AWS CLI and boto3 as the clients: encrypt,
// decrypt and generate-data-key round trips, the data key checked with node:crypto.

import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDaemon, type Daemon } from '../support/daemon';
import { testTokenEnv } from '../support/test-token';

const CLIENT_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

let daemon: Daemon;
let dir: string;
let keyArn: string;

function aws(args: string[]): Record<string, unknown> {
  const out = execFileSync(
    'aws',
    ['kms', ...args, '--endpoint-url', daemon.url, '--output', 'json'],
    { env: { ...process.env, ...CLIENT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString();
  return JSON.parse(out) as Record<string, unknown>;
}

/** Runs a boto3 script with the endpoint and key in its environment; returns its JSON output. */
function boto3(script: string): Record<string, unknown> {
  const out = execFileSync('python3', ['-c', script], {
    env: { ...process.env, ...CLIENT_ENV, QKMS_URL: daemon.url, QKMS_KEY: keyArn },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  return JSON.parse(out) as Record<string, unknown>;
}

const b64 = (value: unknown): Buffer => Buffer.from(value as string, 'base64');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-e2e-enc-'));
  const port = await freePort();
  daemon = await startDaemon(
    ['serve'],
    { ...testTokenEnv(), QKMS_LISTEN_PORT: String(port) },
    port,
  );
  const made = aws(['create-key', '--description', 'e2e encryption clients']) as {
    KeyMetadata: { Arn: string; KeySpec: string };
  };
  expect(made.KeyMetadata.KeySpec).toBe('SYMMETRIC_DEFAULT');
  keyArn = made.KeyMetadata.Arn;
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the AWS CLI', () => {
  test('aws kms encrypt and decrypt round-trip a file with an encryption context', () => {
    const plaintext = join(dir, 'secret.txt');
    const ciphertext = join(dir, 'secret.bin');
    writeFileSync(plaintext, 'database password: hunter2');
    const sealed = aws([
      'encrypt',
      '--key-id',
      keyArn,
      '--plaintext',
      `fileb://${plaintext}`,
      '--encryption-context',
      'app=billing,env=test',
    ]);
    expect(sealed.KeyId).toBe(keyArn);
    expect(sealed.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    writeFileSync(ciphertext, b64(sealed.CiphertextBlob));
    const opened = aws([
      'decrypt',
      '--ciphertext-blob',
      `fileb://${ciphertext}`,
      '--encryption-context',
      'env=test,app=billing',
    ]);
    expect(opened.KeyId).toBe(keyArn);
    expect(b64(opened.Plaintext).toString()).toBe('database password: hunter2');
  });

  test('aws kms generate-data-key gives a key that encrypts locally and decrypts back from its blob', () => {
    const made = aws(['generate-data-key', '--key-id', keyArn, '--key-spec', 'AES_256']);
    const dataKey = b64(made.Plaintext);
    expect(dataKey.length).toBe(32);
    const blob = join(dir, 'data-key.bin');
    writeFileSync(blob, b64(made.CiphertextBlob));
    const opened = aws(['decrypt', '--ciphertext-blob', `fileb://${blob}`]);
    expect(b64(opened.Plaintext)).toEqual(dataKey);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    const sealed = Buffer.concat([cipher.update('envelope'), cipher.final()]);
    const decipher = createDecipheriv('aes-256-gcm', b64(opened.Plaintext), iv);
    decipher.setAuthTag(cipher.getAuthTag());
    expect(Buffer.concat([decipher.update(sealed), decipher.final()]).toString()).toBe('envelope');
  });

  test('a wrong encryption context reaches the CLI as InvalidCiphertextException', () => {
    const plaintext = join(dir, 'ctx.txt');
    const ciphertext = join(dir, 'ctx.bin');
    writeFileSync(plaintext, 'bound');
    const sealed = aws([
      'encrypt',
      '--key-id',
      keyArn,
      '--plaintext',
      `fileb://${plaintext}`,
      '--encryption-context',
      'app=billing',
    ]);
    writeFileSync(ciphertext, b64(sealed.CiphertextBlob));
    let stderr = '';
    try {
      aws(['decrypt', '--ciphertext-blob', `fileb://${ciphertext}`]);
    } catch (err) {
      stderr = String((err as { stderr?: Buffer }).stderr);
    }
    expect(stderr).toContain(
      'An error occurred (InvalidCiphertextException) when calling the Decrypt operation',
    );
  });
});

describe('boto3', () => {
  test('encrypt, decrypt and generate_data_key round-trip', () => {
    const result = boto3(`
import base64, json, os, boto3
kms = boto3.client('kms', endpoint_url=os.environ['QKMS_URL'])
key = os.environ['QKMS_KEY']
ctx = {'purpose': 'boto3'}
sealed = kms.encrypt(KeyId=key, Plaintext=b'from python', EncryptionContext=ctx)
opened = kms.decrypt(CiphertextBlob=sealed['CiphertextBlob'], EncryptionContext=ctx)
made = kms.generate_data_key(KeyId=key, NumberOfBytes=24, EncryptionContext=ctx)
again = kms.decrypt(CiphertextBlob=made['CiphertextBlob'], EncryptionContext=ctx, KeyId=key)
try:
    kms.decrypt(CiphertextBlob=sealed['CiphertextBlob'])
    error = None
except kms.exceptions.InvalidCiphertextException as e:
    error = e.response['Error']['Code']
print(json.dumps({
    'encryptKeyId': sealed['KeyId'],
    'plaintext': opened['Plaintext'].decode(),
    'decryptKeyId': opened['KeyId'],
    'dataKey': base64.b64encode(made['Plaintext']).decode(),
    'dataKeyAgain': base64.b64encode(again['Plaintext']).decode(),
    'error': error,
}))
`);
    expect(result.encryptKeyId).toBe(keyArn);
    expect(result.plaintext).toBe('from python');
    expect(result.decryptKeyId).toBe(keyArn);
    expect(b64(result.dataKey).length).toBe(24);
    expect(result.dataKeyAgain).toBe(result.dataKey);
    expect(result.error).toBe('InvalidCiphertextException');
  });
});
