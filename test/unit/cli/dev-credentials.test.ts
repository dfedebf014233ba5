// The fixed dev SigV4 pair: both variables or neither, each checked, and no message that could
// carry the secret (a secret pasted into the access key id variable included).

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCredentials } from '../../../src/auth/credential-store';
import {
  DevCredentialsError,
  fixedDevCredentials,
  prepareDevCredentials,
} from '../../../src/cli/dev-credentials';

const ID = 'QKMSTESTACCESSKEY1';
const SECRET = 'test-secret/for+local=tests_0~9.';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    fixedDevCredentials(env);
  } catch (err) {
    if (err instanceof DevCredentialsError) return err.problems;
    throw err;
  }
  throw new Error('accepted');
}

describe('QKMS_DEV_ACCESS_KEY_ID and QKMS_DEV_SECRET_ACCESS_KEY', () => {
  it('are optional: neither set (or both empty) means the generated pair', () => {
    expect(fixedDevCredentials({})).toBeNull();
    expect(
      fixedDevCredentials({ QKMS_DEV_ACCESS_KEY_ID: '', QKMS_DEV_SECRET_ACCESS_KEY: '' }),
    ).toBeNull();
  });

  it('give the pair, with the secret held redacted', () => {
    const pair = fixedDevCredentials({
      QKMS_DEV_ACCESS_KEY_ID: ID,
      QKMS_DEV_SECRET_ACCESS_KEY: SECRET,
    });
    expect(pair?.accessKeyId).toBe(ID);
    expect(pair?.secretAccessKey.reveal()).toBe(SECRET);
    expect(JSON.stringify(pair)).not.toContain(SECRET);
    expect(String(pair?.secretAccessKey)).toBe('[redacted]');
  });

  it('go together', () => {
    const together =
      'QKMS_DEV_ACCESS_KEY_ID and QKMS_DEV_SECRET_ACCESS_KEY go together: set both or neither';
    expect(problemsOf({ QKMS_DEV_ACCESS_KEY_ID: ID })).toEqual([together]);
    expect(problemsOf({ QKMS_DEV_SECRET_ACCESS_KEY: SECRET })).toEqual([together]);
  });

  it('name the variable and the rule, never the value', () => {
    const secretInIdVariable = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const shortSecret = 'short-secret';
    const problems = problemsOf({
      QKMS_DEV_ACCESS_KEY_ID: secretInIdVariable,
      QKMS_DEV_SECRET_ACCESS_KEY: shortSecret,
    });
    expect(problems).toEqual([
      'QKMS_DEV_ACCESS_KEY_ID must be 16–128 upper-case letters and digits',
      'QKMS_DEV_SECRET_ACCESS_KEY must be 16–128 characters, each a letter, a digit or one of + / = . _ - ~',
    ]);
    expect(problems.join()).not.toContain(secretInIdVariable);
    expect(problems.join()).not.toContain(shortSecret);
  });

  it.each([
    ['a space', 'sixteen chars and a space'],
    ['a quote', 'sixteen-chars-"quoted"'],
    ['a hash', 'sixteen-chars#comment'],
    ['too long', 'x'.repeat(129)],
  ])('refuse a secret with %s, which a credentials file could not hold as it is', (_, secret) => {
    expect(problemsOf({ QKMS_DEV_ACCESS_KEY_ID: ID, QKMS_DEV_SECRET_ACCESS_KEY: secret })).toEqual([
      expect.stringMatching(/^QKMS_DEV_SECRET_ACCESS_KEY must be 16–128 characters/),
    ]);
  });
});

describe('the dev credentials files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qkms-dev-credentials-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fixed = (id: string) =>
    fixedDevCredentials({ QKMS_DEV_ACCESS_KEY_ID: id, QKMS_DEV_SECRET_ACCESS_KEY: SECRET });

  it('hold the fixed pair, owner-only, in a document QKMS accepts and an AWS profile', () => {
    const files = prepareDevCredentials(dir, fixed(ID));
    const entries = parseCredentials(readFileSync(files.credentialsFile, 'utf8'));
    expect(entries.get(ID)?.principal).toBe('dev');
    expect(entries.get(ID)?.secret.reveal()).toBe(SECRET);
    expect(readFileSync(files.awsCredentialsFile, 'utf8')).toBe(
      `[qkms-dev]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`,
    );
    for (const file of [files.credentialsFile, files.awsCredentialsFile]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('keep a generated pair across runs, and give way to a fixed pair', () => {
    const files = prepareDevCredentials(dir, null);
    const generated = readFileSync(files.awsCredentialsFile, 'utf8');
    expect(generated).toMatch(/^\[qkms-dev\]\naws_access_key_id = QKMSDEV[0-9A-F]{16}\n/);
    prepareDevCredentials(dir, null);
    expect(readFileSync(files.awsCredentialsFile, 'utf8')).toBe(generated);
    prepareDevCredentials(dir, fixed('QKMSSECONDKEY0001'));
    const entries = parseCredentials(readFileSync(files.credentialsFile, 'utf8'));
    expect([...entries.keys()]).toEqual(['QKMSSECONDKEY0001']);
  });
});
