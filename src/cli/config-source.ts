// Where a command's configuration comes from. `qkms serve`: --config or QKMS_CONFIG, then QKMS_*
// variables. Commands that administer the token without serving (`qkms keys`, `qkms metadata`):
// the same, or the profile of a `qkms dev` data directory (--data-dir); either way without SigV4
// credentials, since they serve nothing.

import { loadConfig, loadConfigFile, type LoadedConfig } from '../config/load';
import { existingDevProfile } from './dev-profile';

/** What a command that administers the token was told: --config FILE or --data-dir DIR. */
export interface ConfigSource {
  readonly config?: string;
  readonly dataDir?: string;
}

const NOT_SERVING = { serving: false } as const;

/** --config, else QKMS_CONFIG; an empty variable is unset, as every QKMS_* variable is. */
export function configFileOf(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  return option ?? (env.QKMS_CONFIG || undefined);
}

/** The configuration of a command that administers the token (keys, metadata). */
export function loadToAdminister(
  source: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  if (source.dataDir !== undefined)
    return loadConfig(undefined, existingDevProfile(source.dataDir, env), NOT_SERVING);
  return loadConfigFile(configFileOf(source.config, env), env, NOT_SERVING);
}
