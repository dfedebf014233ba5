#!/usr/bin/env node
// The `qkms` command: `serve` runs the gateway from a config file, `dev` runs it on a local
// SoftHSM token with demo keys (created on first run).

import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/load';
import { runDev } from './dev';
import { runServe } from './serve';

const USAGE = `usage:
  qkms serve [--config FILE]              run the gateway (settings: docs/configuration.md)
  qkms dev [--data-dir DIR] [--port N]    run on a local SoftHSM token with demo keys
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string', default: '.qkms-dev' },
      port: { type: 'string', default: '8080' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case 'serve':
      return runServe(loadConfigFile(values.config ?? process.env.QKMS_CONFIG, process.env));
    case 'dev':
      return runDev(values['data-dir'] as string, Number(values.port));
    default:
      process.stderr.write(`qkms: unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      err instanceof ConfigError
        ? `qkms: ${err.message}\n`
        : `qkms: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
