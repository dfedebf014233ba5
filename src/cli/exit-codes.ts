// The exit codes of every `qkms` command, in one table: the CLI returns them, `qkms --help` and
// docs/cli.md list them, and supervisors (systemd, Kubernetes, the cluster primary) act on them.
// The gateway (src/gateway.ts) and the cluster primary (src/cluster/start-policy.ts) use this
// table too, so the codes they end with are the ones the help and docs/cli.md describe.

export const EXIT = {
  /** Done; help or version shown; a gateway stopped by a signal closed everything cleanly. */
  ok: 0,
  /** A runtime failure: configuration, token, a refused change, an unclean shutdown. */
  failure: 1,
  /** The command line itself was wrong: nothing was opened or changed. */
  usage: 2,
  /** A gateway's token thread ended while serving (sysexits EX_SOFTWARE). */
  tokenThreadEnded: 70,
  /** The token refused the PIN (sysexits EX_CONFIG): never retried. */
  pinRefused: 78,
} as const;

export interface ExitCodeDoc {
  readonly code: string;
  /** One line for `qkms --help`. */
  readonly short: string;
  /** The full sentence for docs/cli.md. */
  readonly meaning: string;
}

export const EXIT_CODE_DOCS: readonly ExitCodeDoc[] = [
  {
    code: String(EXIT.ok),
    short: 'success; a gateway stopped by a signal shut down cleanly',
    meaning:
      'Success; `--help` and `--version`. `serve` and `dev`: stopped by SIGTERM/SIGINT and everything (requests, metadata store, token) closed cleanly.',
  },
  {
    code: String(EXIT.failure),
    short: 'runtime failure (configuration, token, refused change, unclean shutdown)',
    meaning:
      'Runtime failure, printed on stderr as `qkms: …`: an invalid configuration (every problem listed), a token that cannot be opened, a `keys` or `metadata` change that was refused. `serve` and `dev`: a shutdown that could not close everything (usually an HSM that is down), or, with workers, a worker that failed to start 6 times.',
  },
  {
    code: String(EXIT.usage),
    short: 'usage error (unknown command or option, bad value): nothing was done',
    meaning:
      'Usage error, printed on stderr as `error: …` with the usage line: an unknown command or option, a missing or invalid argument or option value, options that cannot go together. Nothing was opened or changed.',
  },
  {
    code: String(EXIT.tokenThreadEnded),
    short: 'the token thread ended while serving',
    meaning:
      '`serve` and `dev`: the PKCS#11 token thread ended while serving; a supervisor should start a fresh process.',
  },
  {
    code: String(EXIT.pinRefused),
    short: 'the token refused the PIN: never retried',
    meaning:
      'The token refused the PIN (`CKR_PIN_INCORRECT`, `CKR_PIN_LOCKED`, …), for any command that logs in. QKMS never logs in again with a refused PIN: fix it first, and tell supervisors not to restart on 78 (`RestartPreventExitStatus=78`).',
  },
  {
    code: 'SIGKILL (137)',
    short: 'killed itself: a PKCS#11 call hung at shutdown',
    meaning:
      '`serve` and `dev`: a PKCS#11 call was still hung inside the HSM when the shutdown deadline passed, so QKMS ended itself (docs/operations.md, "Start-up and shutdown").',
  },
];

/** The short form, for the end of `qkms --help`. */
export function exitCodesHelp(): string {
  const width = Math.max(...EXIT_CODE_DOCS.map((d) => d.code.length)) + 2;
  const lines = EXIT_CODE_DOCS.map((d) => `  ${d.code.padEnd(width)}${d.short}`);
  return `Exit codes:\n${lines.join('\n')}\nDetails: docs/cli.md`;
}
