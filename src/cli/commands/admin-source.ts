// The two ways a command that administers the token without serving finds its settings:
// a config file (or QKMS_* variables), or a `qkms dev` data directory.

import { Command } from 'commander';
import type { ConfigSource } from '../config-source';
import { configOption, dataDirOption } from '../options';
import { commandPath } from '../tree';

/**
 * Adds --config and --data-dir after the command's own options, where its help lists them; the
 * environment they read is described once, in the help of the command group.
 */
export function withSourceOptions(command: Command): Command {
  return command
    .addOption(configOption())
    .addOption(dataDirOption())
    .addHelpText('afterAll', ({ command: shown }) =>
      shown.parent ? `\nEnvironment variables: see '${commandPath(shown.parent)} --help'.` : '',
    );
}

export function sourceOf(options: ConfigSource): ConfigSource {
  return givenOptions(options, ['config', 'dataDir']);
}

/**
 * The named options the command line gave: an option left out must be absent from what is
 * passed on, not present as undefined (exactOptionalPropertyTypes).
 */
export function givenOptions<T extends object, K extends keyof T>(
  options: T,
  names: readonly K[],
): { [P in K]?: Exclude<T[P], undefined> } {
  const given: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const name of names) {
    const value = options[name];
    if (value !== undefined) given[name] = value as Exclude<T[K], undefined>;
  }
  return given;
}
