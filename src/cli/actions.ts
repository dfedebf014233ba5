// What each `qkms` command does, wired to the code that does it. Only src/cli/main.ts imports
// this file: the command tree (src/cli/program.ts) takes it as a parameter.

import { loadConfigFile } from '../config/load';
import { configFileOf, loadToAdminister } from './config-source';
import type { CliActions } from './program';
import { runDev } from './dev';
import { runKeys } from './keys';
import { runMetadataMigrate } from './metadata';
import { runServe } from './serve';
import { sizeThreadPool } from './threadpool';

export const CLI_ACTIONS: CliActions = {
  serve: async ({ config }) => {
    const loaded = loadConfigFile(configFileOf(config, process.env), process.env);
    // Before anything starts libuv's pool, which reads the size once.
    sizeThreadPool(loaded.config.pkcs11.sessions);
    return runServe(loaded);
  },
  dev: ({ dataDir, port }) => runDev(dataDir, port),
  keys: async (source, command) => runKeys(loadToAdminister(source), command),
  migrate: async (source, args) => runMetadataMigrate(loadToAdminister(source), args),
};
