// The README's own examples, run as a newcomer would run them: `qkms dev` on a fresh data
// directory, then the README's shell and JavaScript blocks copied out of README.md and run
// with POSIX sh (not bash), with only the port changed. The signatures they make are checked
// with node:crypto against the key's public half.

import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { eventually } from '../support/eventually';
import { freePort, startDaemon, type Daemon } from '../support/daemon';

const REPO = join(__dirname, '../..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

/** The fenced blocks of one language that follow a heading or sentence of the README. */
function blocksAfter(marker: string, language: string, count: number): string[] {
  const from = README.indexOf(marker);
  if (from < 0) throw new Error(`README.md no longer says ${JSON.stringify(marker)}`);
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  fence.lastIndex = from;
  const blocks: string[] = [];
  for (let m = fence.exec(README); m && blocks.length < count; m = fence.exec(README))
    blocks.push(m[1] as string);
  if (blocks.length < count) throw new Error(`README.md has fewer ${language} blocks after it`);
  return blocks;
}

let daemon: Daemon;
let work: string;
let dataDir: string;

/** Runs a README shell block in the work directory with the dev gateway's real port. */
function runShell(block: string): string {
  const script = block.replaceAll('http://127.0.0.1:8080', daemon.url);
  return execFileSync('sh', ['-e', '-c', script], {
    cwd: work,
    // Nothing of the machine's own AWS setup: what the README exports is all there is.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
}

async function publicKey(alias: string) {
  const text = readFileSync(join(dataDir, 'aws-credentials'), 'utf8');
  const field = (name: string) => new RegExp(`${name}\\s*=\\s*(\\S+)`).exec(text)?.[1] as string;
  const kms = new KMSClient({
    endpoint: daemon.url,
    region: 'us-east-1',
    credentials: {
      accessKeyId: field('aws_access_key_id'),
      secretAccessKey: field('aws_secret_access_key'),
    },
  });
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: alias }));
  kms.destroy();
  return createPublicKey({
    key: Buffer.from(out.PublicKey as Uint8Array),
    format: 'der',
    type: 'spki',
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'qkms-readme-'));
  // The README runs from the checkout, where `.qkms-dev` and node_modules are.
  dataDir = join(work, '.qkms-dev');
  symlinkSync(join(REPO, 'node_modules'), join(work, 'node_modules'));
  symlinkSync(join(REPO, 'dist'), join(work, 'dist'));
  const port = await freePort();
  // Started where the README's commands then run, as a user does.
  daemon = await startDaemon(
    ['dev', '--port', String(port), '--data-dir', dataDir],
    {},
    port,
    work,
  );
  // First start makes the token and one demo key per spec (RSA 4096 included) before it listens.
  const up = await eventually(
    async () => ((await fetch(`${daemon.url}/healthz`)).ok ? true : undefined),
    120_000,
  );
  if (!up) throw new Error(`qkms dev did not come up:\n${daemon.output()}`);
}, 150_000);

afterAll(async () => {
  expect(await daemon?.stop()).toBe(0);
  rmSync(work, { recursive: true, force: true });
}, 30_000);

describe("the README's examples against `qkms dev`", () => {
  it('signs with the AWS CLI and verifies with openssl, in POSIX sh', () => {
    const [block] = blocksAfter('## Sign with the AWS CLI, verify with openssl', 'sh', 1);
    expect(runShell(block as string)).toContain('Verified OK');
  }, 60_000);

  it('signs a digest from the JavaScript example, with endpoint and credentials from the environment', async () => {
    const [program] = blocksAfter('From code, nothing changes but the endpoint.', 'js', 1);
    const [run] = blocksAfter('From code, nothing changes but the endpoint.', 'sh', 1);
    writeFileSync(join(work, 'sign.mjs'), program as string);
    const signature = Buffer.from(runShell(run as string).trim(), 'base64');
    const digest = createHash('sha256').update('hello, HSM').digest();
    const key = await publicKey('alias/demo-ecc-secg-p256k1');
    // The program signed the digest of 'hello, HSM': node:crypto hashes the message itself.
    expect(verify('sha256', Buffer.from('hello, HSM'), key, signature)).toBe(true);
    expect(verify('sha256', digest, key, signature)).toBe(false);
  }, 60_000);

  it('runs the envelope encryption example: a data key from the HSM, the data encrypted and opened locally', () => {
    const marker = '## Envelope encryption with data keys';
    const [program] = blocksAfter(marker, 'js', 1);
    const [run] = blocksAfter(marker, 'sh', 1);
    writeFileSync(join(work, 'envelope.mjs'), program as string);
    // The same environment as the signing example: its shell block exports it.
    const [env] = blocksAfter('From code, nothing changes but the endpoint.', 'sh', 1);
    const exports = (env as string).split('\n').filter((l) => l.startsWith('export ')).join('\n');
    expect(runShell(`${exports}\n${run as string}`).trim()).toBe('invoice #42');
  }, 60_000);

  it('runs the commands `qkms dev` prints at start-up, in POSIX sh', () => {
    const banner = daemon.output();
    const indented = (after: string): string[] => {
      const lines = banner.slice(banner.indexOf(after)).split('\n').slice(1);
      const end = lines.findIndex((l) => !l.startsWith('  '));
      return lines.slice(0, end < 0 ? lines.length : end);
    };
    const sign = indented('Requests must be signed (SigV4)').join('\n');
    expect(sign).toContain('aws kms sign');
    expect(JSON.parse(runShell(sign)).SigningAlgorithm).toBe('ECDSA_SHA_256');
    const [list] = indented('Keys on this token from the command line');
    // The dev gateway keeps serving while the command reads the same token beside it.
    expect(runShell(list as string)).toContain('alias/demo-ecc-nist-p256');
  }, 60_000);

  it("lets the local docs site's Try it out call `qkms dev` (CORS), and no other origin", async () => {
    const preflight = (origin: string) =>
      fetch(`${daemon.url}/`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-amz-target',
        },
      });
    const docs = await preflight('http://127.0.0.1:3000');
    expect(docs.status).toBe(204);
    expect(docs.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
    const other = await preflight('https://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lists every demo alias the README names, and no other', async () => {
    const text = README.slice(README.indexOf('The demo aliases are'));
    const named = [
      ...text.slice(0, text.indexOf('aws kms list-aliases')).matchAll(/`(alias\/[^`]+)`/g),
    ]
      .map((m) => m[1])
      .sort();
    const listed = runShell(
      'export AWS_SHARED_CREDENTIALS_FILE=$PWD/.qkms-dev/aws-credentials AWS_PROFILE=qkms-dev AWS_DEFAULT_REGION=us-east-1\n' +
        'aws kms list-aliases --endpoint-url http://127.0.0.1:8080 --output text --query "Aliases[].AliasName"',
    )
      .trim()
      .split(/\s+/)
      .sort();
    expect(named).toEqual(listed);
  }, 60_000);
  it('manages keys on the dev token with the commands the README shows for --data-dir', () => {
    const [block] = blocksAfter('or on the token directly', 'sh', 1);
    // The lines for the dev token; `keys import` names a production config file.
    const devLines = (block as string)
      .split('\n')
      .filter((l) => l.includes('--data-dir .qkms-dev'));
    expect(devLines.length).toBeGreaterThanOrEqual(3);
    const out = runShell(devLines.join('\n'));
    expect(out).toContain('alias/demo-ecc-nist-p256');
    // `keys create` prints the new key's id; the gateway running beside it serves the key.
    const created = /^([0-9a-f-]{36})$/m.exec(out)?.[1];
    expect(created).toBeDefined();
    const described = runShell(
      'export AWS_SHARED_CREDENTIALS_FILE=$PWD/.qkms-dev/aws-credentials AWS_PROFILE=qkms-dev AWS_DEFAULT_REGION=us-east-1\n' +
        'aws kms describe-key --endpoint-url http://127.0.0.1:8080 --key-id alias/reports --output json',
    );
    expect(JSON.parse(described).KeyMetadata).toMatchObject({
      KeyId: created,
      KeySpec: 'ECC_NIST_P384',
    });
  }, 120_000);
});
