// The bench's own throwaway SoftHSM token, in a directory of its own (never the dev token):
// a fresh softhsm2.conf, a token with random PINs kept in 0600 files, nothing printed.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const TOKEN_LABEL = 'qkms-bench';

/**
 * @param {string} dir emptied and reused
 * @returns {{dir: string, softhsmConf: string, pinFile: string, pin: () => string}}
 */
export function createToken(dir) {
  rmSync(dir, { recursive: true, force: true });
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  const softhsmConf = join(dir, 'softhsm2.conf');
  writeFileSync(softhsmConf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const pinFile = join(dir, 'user.pin');
  writeFileSync(pinFile, `${randomBytes(8).toString('hex')}\n`, { mode: 0o600 });
  const soPin = randomBytes(8).toString('hex');
  const pin = () => readFileSync(pinFile, 'utf8').trim();
  try {
    execFileSync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', TOKEN_LABEL, '--pin', pin(), '--so-pin', soPin],
      { env: { ...process.env, SOFTHSM2_CONF: softhsmConf }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (err) {
    // The error would repeat the command line with the PINs: report softhsm2-util's words only.
    throw new Error(`softhsm2-util --init-token failed: ${String(err.stderr ?? '').trim()}`);
  }
  return { dir, softhsmConf, pinFile, pin };
}
