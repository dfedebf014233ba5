// The variables only the `qkms dev` profile reads (and so the dev container image, which runs
// it), beyond the settings of schema.ts. They shape the throwaway token a test starts with:
// which keys it holds and which SigV4 pair signs for it. docs/configuration.md and
// `qkms dev --help` (docs/cli.md) both render this table, so they cannot disagree.

export const DEV_KEYS_VAR = 'QKMS_DEV_KEYS';
export const DEV_ACCESS_KEY_ID_VAR = 'QKMS_DEV_ACCESS_KEY_ID';
export const DEV_SECRET_ACCESS_KEY_VAR = 'QKMS_DEV_SECRET_ACCESS_KEY';
export const DEV_DEMO_KEYS_VAR = 'QKMS_DEV_DEMO_KEYS';
export const DEV_ALLOW_UNAUTHENTICATED_VAR = 'QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK';

export interface DevVariable {
  readonly name: string;
  /** One line for `qkms dev --help`. */
  readonly short: string;
  /** The full description for docs/configuration.md. */
  readonly meaning: string;
}

export const DEV_VARIABLES: readonly DevVariable[] = [
  {
    name: DEV_KEYS_VAR,
    short:
      'extra keys and aliases made at start-up, e.g. alias/app=ECC_NIST_P256,alias/mac=HMAC_256',
    meaning:
      "Extra keys and aliases made at start-up, before the API answers (so `/readyz` is 200 only once they exist). Comma-separated entries: `ALIAS=KEY_SPEC` makes a key of that spec (any spec the token supports, HMAC and SYMMETRIC_DEFAULT included) with that alias and the spec's first key usage (SIGN_VERIFY for RSA and ECC); `ALIAS=KEY_SPEC:KEY_USAGE` names the usage (`alias/inbox=RSA_2048:ENCRYPT_DECRYPT`, `alias/ecdh=ECC_NIST_P256:KEY_AGREEMENT`); `ALIAS=OTHER_ALIAS` adds an alias for the key another entry (or the token) already names. Example: `alias/app=ECC_NIST_P256,alias/mac=HMAC_256,alias/app-current=alias/app`. On later starts (a kept data directory or volume) an entry whose alias already names a key of that spec and usage, or already names that key, is left as it is; one that contradicts the token stops start-up with an error naming the entry. Keys are never deleted because an entry is gone.",
  },
  {
    name: `${DEV_ACCESS_KEY_ID_VAR}, ${DEV_SECRET_ACCESS_KEY_VAR}`,
    short: 'a fixed SigV4 pair for the dev principal instead of a generated one (never printed)',
    meaning:
      'A fixed SigV4 pair for principal "dev" instead of a generated one, so a test can put it in the application\'s configuration before QKMS starts. Both or neither. The access key id: 16–128 upper-case letters and digits; the secret: 16–128 letters, digits and `+ / = . _ - ~`. The pair is written to `credentials.yaml` and `aws-credentials` in the data directory (replacing the pair there) and is never logged or printed; errors name the variable, never its value.',
  },
  {
    name: DEV_DEMO_KEYS_VAR,
    short: 'false: make no demo keys; default true',
    meaning:
      "`false` makes no demo keys, so a token holds only the keys a test names in `QKMS_DEV_KEYS` and `ListKeys`/`ListAliases` show just those (demo keys already on the token stay); default `true`: one demo key per key spec the token supports (with the spec's first key usage), plus an RSA_2048 `ENCRYPT_DECRYPT` key and an ECC_NIST_P256 `KEY_AGREEMENT` key.",
  },
  {
    name: DEV_ALLOW_UNAUTHENTICATED_VAR,
    short: 'true: allow QKMS_AUTH_MODE=none on a non-loopback address (throwaway containers only)',
    meaning:
      '`true` lets `QKMS_AUTH_MODE=none` listen on a non-loopback `QKMS_LISTEN_HOST`, as a throwaway test container must for its published port to reach it, and answer requests addressed to an IP address as well as to a loopback name (DNS rebinding, which the loopback rule guards against, cannot forge those). `qkms serve` never allows this. Anyone who can reach the port can then use every key: publish it only where the test runs (`QkmsContainer.withAuthMode("none")` publishes it on the address the test reaches Docker by).',
  },
];
