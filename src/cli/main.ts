#!/usr/bin/env node
// The `qkms` command: `serve` runs the gateway from a config file, `dev` runs it on a local
// SoftHSM token with demo keys (created on first run).

import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/load';
import { StartupError } from '../gateway';
import { runDev } from './dev';
import { KEYS_USAGE, runKeys } from './keys';
import { METADATA_USAGE, runMetadataMigrate, type StoreKind } from './metadata';
import { runServe } from './serve';
import { sizeThreadPool } from './threadpool';

const USAGE = `usage:
  qkms serve [--config FILE]              run the gateway (settings: docs/configuration.md)
  qkms dev [--data-dir DIR] [--port N]    run on a local SoftHSM token with demo keys
  qkms keys SUBCOMMAND [--config FILE]    administer keys on the token (qkms keys --help)
  qkms metadata migrate --from STORE --to STORE [--dry-run] [--config FILE]
                                          copy key metadata between the token and PostgreSQL
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      spec: { type: 'string' },
      description: { type: 'string' },
      alias: { type: 'string' },
      label: { type: 'string' },
      id: { type: 'string' },
      'key-id': { type: 'string' },
      remove: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'data-dir': { type: 'string', default: '.qkms-dev' },
      port: { type: 'string', default: '8080' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (command === 'keys' && values.help) {
    process.stdout.write(KEYS_USAGE);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case 'serve': {
      const loaded = loadConfigFile(values.config ?? process.env.QKMS_CONFIG, process.env);
      sizeThreadPool(loaded.config.pkcs11.sessions);
      return runServe(loaded);
    }
    case 'keys':
      if (positionals.length === 0) {
        process.stdout.write(KEYS_USAGE);
        return 2;
      }
      return runKeys(loadConfigFile(values.config ?? process.env.QKMS_CONFIG, process.env), {
        positionals,
        ...(values.spec === undefined ? {} : { spec: values.spec }),
        ...(values.description === undefined ? {} : { description: values.description }),
        ...(values.alias === undefined ? {} : { alias: values.alias }),
        ...(values.label === undefined ? {} : { label: values.label }),
        ...(values.id === undefined ? {} : { id: values.id }),
        ...(values['key-id'] === undefined ? {} : { keyId: values['key-id'] }),
        ...(values.remove === undefined ? {} : { remove: values.remove }),
      });
    case 'metadata': {
      const kinds = ['token', 'postgres'];
      if (
        positionals[0] !== 'migrate' ||
        !kinds.includes(values.from ?? '') ||
        !kinds.includes(values.to ?? '')
      ) {
        process.stderr.write(METADATA_USAGE);
        return 2;
      }
      return runMetadataMigrate(
        loadConfigFile(values.config ?? process.env.QKMS_CONFIG, process.env),
        {
          from: values.from as StoreKind,
          to: values.to as StoreKind,
          dryRun: values['dry-run'] === true,
        },
      );
    }
    case 'dev':
      return runDev(values['data-dir'] as string, Number(values.port));
    default:
      process.stderr.write(`qkms: unknown command ${command}\n${USAGE}`);
      return 2;
  }
}

// `qkms keys list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof StartupError) {
      process.stderr.write(`qkms: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(
      err instanceof ConfigError
        ? `qkms: ${err.message}\n`
        : `qkms: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
