// The QKMS_DEV_* variables of the `qkms dev` profile (src/config/dev-variables.ts), read and
// checked together before anything is created, so that a bad value stops `qkms dev` at once
// with every problem listed, as a bad configuration does.

import {
  DEV_ALLOW_UNAUTHENTICATED_VAR,
  DEV_DEMO_KEYS_VAR,
  DEV_KEYS_VAR,
} from '../config/dev-variables';
import { ConfigError } from '../config/load';
import {
  DevCredentialsError,
  fixedDevCredentials,
  type DevCredentialPair,
} from './dev-credentials';
import { DevKeysError, NO_DEV_KEYS, parseDevKeys, type DevKeys } from './dev-keys';

export interface DevSettings {
  readonly devKeys: DevKeys;
  /** null: the generated pair kept in the data directory. */
  readonly credentials: DevCredentialPair | null;
  readonly demoKeys: boolean;
  /** auth.mode none on a non-loopback listen.host (a throwaway container's published port). */
  readonly allowUnauthenticatedNetwork: boolean;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean, problems: string[]) {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  problems.push(`${name} must be true or false`);
  return fallback;
}

/** Throws a ConfigError naming every variable that is wrong (never a secret's value). */
export function readDevSettings(env: NodeJS.ProcessEnv): DevSettings {
  const problems: string[] = [];
  const collect = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (err) {
      if (err instanceof DevKeysError || err instanceof DevCredentialsError) {
        problems.push(...err.problems);
        return fallback;
      }
      throw err;
    }
  };
  const settings: DevSettings = {
    devKeys: collect(() => parseDevKeys(env[DEV_KEYS_VAR]), NO_DEV_KEYS),
    credentials: collect(() => fixedDevCredentials(env), null),
    demoKeys: flag(env, DEV_DEMO_KEYS_VAR, true, problems),
    allowUnauthenticatedNetwork: flag(env, DEV_ALLOW_UNAUTHENTICATED_VAR, false, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
