// The settings of the `qkms dev` profile: which token, PIN and metadata lock a data directory
// stands for. `qkms dev` serves with them; `qkms keys --data-dir` and `qkms metadata --data-dir`
// open the same token with them, and so take the same host lock as a `qkms dev` running beside.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEV_TOKEN_LABEL, SOFTHSM_MODULE, type DevToken } from './dev-token';

/** The variables the profile sets over the environment's own. */
export function devProfileEnv(
  dev: Pick<DevToken, 'dataDir' | 'pinFile'>,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  return {
    QKMS_TOKEN_LABEL: DEV_TOKEN_LABEL,
    QKMS_PIN_FILE: dev.pinFile,
    // An exported QKMS_PIN (another token's) would win over the PIN file: empty means unset.
    QKMS_PIN: '',
    QKMS_PKCS11_MODULE: env.QKMS_PKCS11_MODULE || SOFTHSM_MODULE,
    // Beside the token: every process changing its metadata must take the same lock.
    QKMS_METADATA_LOCK_DIR: env.QKMS_METADATA_LOCK_DIR || dev.dataDir,
  };
}

/**
 * The profile of a data directory `qkms dev` has already set up, for commands that administer
 * its token: they never create one (a new token would hold none of the keys asked about).
 * Points SoftHSM at the directory, as `qkms dev` does.
 */
export function existingDevProfile(dataDir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = resolve(dataDir);
  const softhsmConf = join(dir, 'softhsm2.conf');
  const pinFile = join(dir, 'user.pin');
  if (!existsSync(softhsmConf) || !existsSync(pinFile)) {
    throw new Error(
      `${dir} holds no qkms dev token (softhsm2.conf and user.pin are missing): run \`qkms dev --data-dir ${dataDir}\` once to create it`,
    );
  }
  // SoftHSM reads SOFTHSM2_CONF from this process's environment when the module initialises.
  process.env.SOFTHSM2_CONF = softhsmConf;
  return { ...env, SOFTHSM2_CONF: softhsmConf, ...devProfileEnv({ dataDir: dir, pinFile }, env) };
}
