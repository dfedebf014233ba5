// The built `qkms` command as an operator runs it: help and version on every command, usage
// errors that exit 2, and `qkms keys --data-dir` on a real SoftHSM dev token from a shell with no
// QKMS_* settings and no SigV4 credentials, alone and beside a running `qkms dev`.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { prepareDevToken } from '../../src/cli/dev-token';
import { freePort, runQkms, startDaemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { testTokenEnv } from '../support/test-token';

const VERSION = (
  JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }
).version;

let root: string;
let dataDir: string;
const suffix = randomBytes(4).toString('hex');

/**
 * A shell with none of this process's QKMS_* settings (the loader reads an empty variable as
 * unset), and SoftHSM pointed at the test token's directory, where no "qkms-dev" token is: only
 * --data-dir can lead a command to the dev token.
 */
function freshShell(): Record<string, string> {
  const blank = Object.keys(process.env).filter((name) => name.startsWith('QKMS_'));
  return {
    ...Object.fromEntries(blank.map((name) => [name, ''])),
    SOFTHSM2_CONF: testTokenEnv().SOFTHSM2_CONF as string,
  };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'qkms-cli-'));
  dataDir = join(root, 'dev');
  // The token setup `qkms dev` runs first (the token only: no demo keys, no gateway).
  const saved = process.env.SOFTHSM2_CONF;
  prepareDevToken(dataDir);
  // It points this process at the dev token; the children get theirs from --data-dir.
  if (saved === undefined) delete process.env.SOFTHSM2_CONF;
  else process.env.SOFTHSM2_CONF = saved;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('help, version and usage errors', () => {
  const commands = [
    'qkms',
    'qkms serve',
    'qkms dev',
    'qkms keys',
    'qkms keys list',
    'qkms keys describe',
    'qkms keys create',
    'qkms keys alias',
    'qkms keys import',
    'qkms keys orphans',
    'qkms metadata',
    'qkms metadata migrate',
  ];

  it.each(commands)('"%s --help" prints its usage and exits 0', async (command) => {
    const { code, output } = await runQkms(
      [...command.split(' ').slice(1), '--help'],
      freshShell(),
    );
    expect(code).toBe(0);
    expect(output).toContain(`Usage: ${command} [options]`);
    expect(output).toContain('-V, --version');
  });

  it('prints the package version for --version, on a subcommand too', async () => {
    for (const args of [['--version'], ['keys', 'create', '-V']]) {
      const { code, output } = await runQkms(args, freshShell());
      expect(code).toBe(0);
      expect(output).toBe(`${VERSION}\n`);
    }
  });

  it('refuses an unknown flag of serve with exit 2, naming it, before opening anything', async () => {
    // The environment points at the test token: a serve that went on would have started.
    const { code, output } = await runQkms(
      ['serve', '--confg', '/etc/qkms/qkms.yaml'],
      testTokenEnv(),
    );
    expect(code).toBe(2);
    expect(output).toBe(
      "error: unknown option '--confg'\n(Did you mean --config?)\nusage: qkms serve [options]\nSee 'qkms serve --help'.\n",
    );
  });

  it('refuses a bad value with exit 2, naming the flag', async () => {
    const { code, output } = await runQkms(
      ['keys', 'create', '--spec', 'RSA_1024', '--data-dir', dataDir],
      freshShell(),
    );
    expect(code).toBe(2);
    expect(output).toContain("error: option '--spec <spec>' argument 'RSA_1024' is invalid.");
    expect(output).toContain("See 'qkms keys create --help'.");
  });
});

describe('qkms keys --data-dir, with no QKMS_* settings and no credentials', () => {
  let keyId = '';

  it('lists the keys of a fresh dev token: none', async () => {
    const { code, output } = await runQkms(['keys', 'list', '--data-dir', dataDir], freshShell());
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('creates a key with its alias, then lists and describes it', async () => {
    const created = await runQkms(
      [
        'keys',
        'create',
        '--spec',
        'ECC_NIST_P256',
        '--alias',
        `alias/cli-${suffix}`,
        '--data-dir',
        dataDir,
      ],
      freshShell(),
    );
    expect(created.code).toBe(0);
    keyId = created.output.trim();
    expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const listed = await runQkms(['keys', 'list', `--data-dir=${dataDir}`], freshShell());
    expect(listed.code).toBe(0);
    expect(listed.output).toBe(`${keyId}\tECC_NIST_P256\tEnabled\tAWS_KMS\talias/cli-${suffix}\n`);

    const described = await runQkms(
      ['keys', 'describe', `alias/cli-${suffix}`, '--data-dir', dataDir],
      freshShell(),
    );
    expect(described.code).toBe(0);
    const { KeyMetadata } = JSON.parse(described.output) as {
      KeyMetadata: { KeyId: string; KeySpec: string; SigningAlgorithms: string[] };
    };
    expect(KeyMetadata.KeyId).toBe(keyId);
    expect(KeyMetadata.KeySpec).toBe('ECC_NIST_P256');
    expect(KeyMetadata.SigningAlgorithms).toEqual(['ECDSA_SHA_256']);

    const pin = readFileSync(join(dataDir, 'user.pin'), 'utf8').trim();
    for (const out of [created.output, listed.output, described.output])
      expect(out).not.toContain(pin);
  }, 60_000);

  it('refuses a directory qkms dev has not set up with exit 1, and creates nothing there', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    const { code, output } = await runQkms(['keys', 'list', '--data-dir', empty], freshShell());
    expect(code).toBe(1);
    expect(output).toBe(
      `qkms: ${empty} holds no qkms dev token (softhsm2.conf and user.pin are missing): run \`qkms dev --data-dir ${empty}\` once to create it\n`,
    );
    expect(readdirSync(empty)).toEqual([]);
  });

  it('exits 78 when the token refuses the PIN, without printing it', async () => {
    const { code, output } = await runQkms(['keys', 'list'], {
      ...freshShell(),
      SOFTHSM2_CONF: join(dataDir, 'softhsm2.conf'),
      QKMS_TOKEN_LABEL: 'qkms-dev',
      QKMS_PIN: 'not-the-dev-pin',
    });
    expect(code).toBe(78);
    expect(output).toContain('login to token "qkms-dev" failed with CKR_PIN_INCORRECT');
    expect(output).not.toContain('not-the-dev-pin');
  }, 60_000);

  it('changes the token of a running qkms dev, which serves the new key at once', async () => {
    const port = await freePort();
    const daemon = await startDaemon(
      ['dev', '--data-dir', dataDir, '--port', String(port)],
      { ...freshShell(), QKMS_METRICS_PORT: String(await freePort()) },
      port,
    );
    const [, accessKeyId, secretAccessKey] =
      /aws_access_key_id = (\S+)\naws_secret_access_key = (\S+)/.exec(
        readFileSync(join(dataDir, 'aws-credentials'), 'utf8'),
      ) ?? [];
    const kms = new KMSClient({
      endpoint: daemon.url,
      region: 'us-east-1',
      credentials: {
        accessKeyId: accessKeyId as string,
        secretAccessKey: secretAccessKey as string,
      },
      maxAttempts: 1,
    });
    try {
      // The token already held a key that is not a demo key: qkms dev made none.
      const before = await runQkms(['keys', 'list', '--data-dir', dataDir], freshShell());
      expect(before.output).toBe(
        `${keyId}\tECC_NIST_P256\tEnabled\tAWS_KMS\talias/cli-${suffix}\n`,
      );

      const created = await runQkms(
        [
          'keys',
          'create',
          '--spec',
          'ECC_NIST_P384',
          '--alias',
          `alias/beside-${suffix}`,
          '--data-dir',
          dataDir,
        ],
        freshShell(),
      );
      expect(created.code).toBe(0);
      // The change notice goes through the lock file in the data directory, which both use;
      // the gateway reads the new records when it sees it (a bounded wait, not a timing check).
      const described = await eventually(
        () => kms.send(new DescribeKeyCommand({ KeyId: `alias/beside-${suffix}` })),
        10_000,
      );
      expect(described?.KeyMetadata?.KeyId).toBe(created.output.trim());
    } finally {
      kms.destroy();
      expect(await daemon.stop()).toBe(0);
    }
  }, 120_000);
});
