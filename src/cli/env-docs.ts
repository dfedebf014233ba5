// The environment variables the commands read, described once for their help and docs/cli.md.
// Every setting's own variable is in docs/configuration.md; these are the ones worth naming at
// the command line.

import { DEV_ALLOW_UNAUTHENTICATED_VAR, DEV_VARIABLES } from '../config/dev-variables';
import type { EnvVarDoc } from './help-details';
import { SOFTHSM_MODULE } from './dev-token';

/** Read by every command that loads a configuration (serve; keys and metadata without --data-dir). */
export const CONFIG_ENV: readonly EnvVarDoc[] = [
  { name: 'QKMS_CONFIG', meaning: 'the config file, when --config is not given' },
  {
    name: 'QKMS_*',
    meaning: 'every setting (docs/configuration.md); a variable wins over the file',
  },
  {
    name: 'QKMS_PIN, QKMS_PIN_FILE',
    meaning: 'the token PIN, or the file holding it (never printed)',
  },
];

export const SERVE_ENV: readonly EnvVarDoc[] = [
  ...CONFIG_ENV,
  {
    name: 'QKMS_CREDENTIALS, QKMS_CREDENTIALS_FILE',
    meaning: 'SigV4 access keys (auth.mode sigv4); never printed',
  },
  {
    name: 'UV_THREADPOOL_SIZE',
    meaning: "libuv's thread pool; default: pkcs11.sessions + 4 (at least 4)",
  },
];

/** What `qkms dev` and `--data-dir` take from the environment; the profile sets the rest. */
export const DEV_PROFILE_ENV: readonly EnvVarDoc[] = [
  { name: 'QKMS_PKCS11_MODULE', meaning: `the SoftHSM2 module; default: ${SOFTHSM_MODULE}` },
  {
    name: 'QKMS_METADATA_LOCK_DIR',
    meaning: "the host's metadata lock directory; default: the data directory",
  },
];

export const DEV_ENV: readonly EnvVarDoc[] = [
  ...DEV_PROFILE_ENV,
  { name: 'QKMS_LISTEN_HOST', meaning: 'address of the API; default: 127.0.0.1' },
  {
    name: 'QKMS_AUTH_MODE',
    meaning: `sigv4 (default) or none (loopback only, unless ${DEV_ALLOW_UNAUTHENTICATED_VAR}=true)`,
  },
  ...DEV_VARIABLES.map((v) => ({ name: v.name, meaning: v.short })),
  {
    name: 'QKMS_HTTP_CORS_ALLOWED_ORIGINS',
    meaning:
      'origins whose pages may call the API (CORS); default with SigV4: the local docs site, http://127.0.0.1:3000 and http://localhost:3000; with QKMS_AUTH_MODE=none: none; empty: none',
  },
  {
    name: 'QKMS_*',
    meaning:
      'other settings (docs/configuration.md), except the token label, PIN, listen port and credentials file, which the profile sets; QKMS_CONFIG is not read',
  },
];

/** Read by the commands that administer the token (keys, metadata). */
export const ADMIN_ENV: readonly EnvVarDoc[] = [
  ...CONFIG_ENV,
  ...DEV_PROFILE_ENV.map((e) => ({ ...e, meaning: `with --data-dir: ${e.meaning}` })),
];

export const ADMIN_ENV_NOTE =
  'With --data-dir the token label, PIN file and SOFTHSM2_CONF come from the data directory, QKMS_CONFIG and QKMS_PIN are not read, and QKMS_PKCS11_MODULE and QKMS_METADATA_LOCK_DIR are as for `qkms dev`. No SigV4 credentials are needed: nothing is served.';
