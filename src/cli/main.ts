#!/usr/bin/env node
// The `qkms` command: `serve` runs the gateway from a config file, `dev` runs it on a local
// SoftHSM token with demo keys, `keys` and `metadata` administer the token. The command tree is
// in src/cli/program.ts, its reference in docs/cli.md.

import { CLI_ACTIONS } from './actions';
import { runCli } from './run';

// `qkms keys list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

// exitCode, not process.exit(): a gateway's last log lines and closing handles still get out.
void runCli(process.argv.slice(2), CLI_ACTIONS).then((code) => {
  if (code !== 0) process.exitCode = code;
});
