// Runs Debian's pkcs11-tool against the test token, logged in as its user.

import { execFileSync } from 'node:child_process';
import { SOFTHSM_MODULE, readPinFile } from '../../src/cli/dev-token';
import { testTokenEnv } from './test-token';

export function pkcs11Tool(args: string[]): string {
  const env = testTokenEnv();
  return execFileSync(
    'pkcs11-tool',
    [
      '--module',
      SOFTHSM_MODULE,
      '--token-label',
      env.QKMS_TOKEN_LABEL as string,
      '--login',
      '--pin',
      readPinFile(env.QKMS_PIN_FILE as string),
      ...args,
    ],
    {
      env: { ...process.env, SOFTHSM2_CONF: env.SOFTHSM2_CONF },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
}
