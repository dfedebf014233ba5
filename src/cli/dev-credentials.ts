// The dev profile's SigV4 pair for principal "dev": generated once and kept in the data
// directory, or fixed from QKMS_DEV_ACCESS_KEY_ID / QKMS_DEV_SECRET_ACCESS_KEY so that a test
// can write the pair into its application's configuration before QKMS starts. The secret is held
// as a Secret and leaves this file only into the two owner-only credentials files: no message,
// log line or banner carries it.

import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCESS_KEY_ID_PATTERN } from '../auth/credential-store';
import { DEV_ACCESS_KEY_ID_VAR, DEV_SECRET_ACCESS_KEY_VAR } from '../config/dev-variables';
import { Secret } from '../config/secret';

export interface DevCredentialPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: Secret;
}

export interface DevCredentials {
  readonly credentialsFile: string;
  readonly awsCredentialsFile: string;
}

/**
 * What a secret may hold: what AWS secrets are made of plus a few punctuation marks, and nothing
 * that would need quoting in the YAML document or the AWS credentials (INI) file.
 */
const SECRET_PATTERN = /^[A-Za-z0-9+/=._~-]{16,128}$/;

export class DevCredentialsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}

/**
 * The fixed pair from the environment, or null when neither variable is set. Problems name the
 * variable and what it must be, never the value: a secret pasted into the wrong variable must
 * not end up in a container log.
 */
export function fixedDevCredentials(env: NodeJS.ProcessEnv): DevCredentialPair | null {
  const accessKeyId = env[DEV_ACCESS_KEY_ID_VAR] ?? '';
  const secret = env[DEV_SECRET_ACCESS_KEY_VAR] ?? '';
  if (accessKeyId === '' && secret === '') return null;
  const problems: string[] = [];
  if (accessKeyId === '' || secret === '') {
    problems.push(
      `${DEV_ACCESS_KEY_ID_VAR} and ${DEV_SECRET_ACCESS_KEY_VAR} go together: set both or neither`,
    );
  }
  if (accessKeyId !== '' && !ACCESS_KEY_ID_PATTERN.test(accessKeyId)) {
    problems.push(`${DEV_ACCESS_KEY_ID_VAR} must be 16–128 upper-case letters and digits`);
  }
  if (secret !== '' && !SECRET_PATTERN.test(secret)) {
    problems.push(
      `${DEV_SECRET_ACCESS_KEY_VAR} must be 16–128 characters, each a letter, a digit or one of + / = . _ - ~`,
    );
  }
  if (problems.length > 0) throw new DevCredentialsError(problems);
  return { accessKeyId, secretAccessKey: new Secret(secret) };
}

function generatedPair(): DevCredentialPair {
  return {
    accessKeyId: `QKMSDEV${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: new Secret(randomBytes(30).toString('base64')),
  };
}

function writePair(files: DevCredentials, pair: DevCredentialPair): void {
  const secret = pair.secretAccessKey.reveal();
  writeFileSync(
    files.credentialsFile,
    `# Written by qkms dev. Principal "dev" with one access key.\nprincipals:\n  dev:\n    - accessKeyId: ${pair.accessKeyId}\n      secretAccessKey: "${secret}"\n`,
    { mode: 0o600 },
  );
  writeFileSync(
    files.awsCredentialsFile,
    `[qkms-dev]\naws_access_key_id = ${pair.accessKeyId}\naws_secret_access_key = ${secret}\n`,
    { mode: 0o600 },
  );
}

/**
 * Writes the dev pair as QKMS's credentials document and as an AWS CLI/SDK shared-credentials
 * file (profile "qkms-dev"), both readable by the owner only: the fixed pair whenever there is
 * one, else a generated pair the first time (later runs keep whatever pair the files hold).
 */
export function prepareDevCredentials(
  dataDir: string,
  fixed: DevCredentialPair | null,
): DevCredentials {
  const files = {
    credentialsFile: join(dataDir, 'credentials.yaml'),
    awsCredentialsFile: join(dataDir, 'aws-credentials'),
  };
  if (fixed) writePair(files, fixed);
  else if (!existsSync(files.credentialsFile) || !existsSync(files.awsCredentialsFile)) {
    writePair(files, generatedPair());
  }
  return files;
}
