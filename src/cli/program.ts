// The `qkms` command tree, built with commander. What each command does is passed in
// (CliActions), so unit tests parse command lines with stand-ins and src/cli/docs.ts renders
// docs/cli.md from these same definitions, neither of them opening a token.

import { Command } from 'commander';
import { VERSION } from '../version';
import { devCommand, type DevOptions } from './commands/dev';
import { keysCommand } from './commands/keys';
import { metadataCommand } from './commands/metadata';
import { serveCommand, type ServeOptions } from './commands/serve';
import { EXIT, exitCodesHelp } from './exit-codes';
import type { KeysCommand } from './keys';
import type { MigrateArgs } from './metadata';
import type { ConfigSource } from './config-source';
import { commandPath, forEachCommand } from './tree';

/** What the commands do; each resolves with the process exit code. */
export interface CliActions {
  serve(options: ServeOptions): Promise<number>;
  dev(options: DevOptions): Promise<number>;
  keys(source: ConfigSource, command: KeysCommand): Promise<number>;
  migrate(source: ConfigSource, args: MigrateArgs): Promise<number>;
}

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface Program {
  readonly root: Command;
  /** The exit code the command that ran resolved with. */
  exitCode(): number;
}

/**
 * An unknown `--name=value` or `-xvalue` is echoed by commander whole; the value could be a
 * secret typed into the wrong flag (`--pin=…`), so only the flag is shown.
 */
export function withoutInlineValues(text: string): string {
  return text
    .replace(/(unknown option '--[^=']+=)[^']*'/g, "$1…'")
    .replace(/(unknown option '-[^-'])[^']+'/g, "$1…'");
}

/** The same help, version, error and exit behaviour on every command of the tree. */
function configure(command: Command, output: CliOutput): void {
  const path = commandPath(command);
  command
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    // Errors and --help/--version throw a CommanderError instead of exiting: src/cli/run.ts
    // turns it into the exit code, so a test can parse command lines in its own process.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text),
      writeErr: (text) => output.err(text),
      outputError: (text, write) => write(withoutInlineValues(text)),
    })
    .showHelpAfterError(`usage: ${path} ${command.usage()}\nSee '${path} --help'.`);
  if (command.commands.length > 0)
    command.helpCommand('help [command]', 'print the help of a command');
}

export function buildProgram(actions: CliActions, output: CliOutput): Program {
  let code: number = EXIT.ok;
  const settle = async (result: Promise<number>): Promise<void> => {
    code = await result;
  };
  const root = new Command('qkms')
    .description(
      'QKMS: a gateway that speaks the AWS KMS JSON protocol and signs, MACs, encrypts and agrees keys inside a PKCS#11 token',
    )
    .addCommand(serveCommand((options) => settle(actions.serve(options))))
    .addCommand(devCommand((options) => settle(actions.dev(options))))
    .addCommand(keysCommand((source, command) => settle(actions.keys(source, command))))
    .addCommand(metadataCommand((source, args) => settle(actions.migrate(source, args))))
    .addHelpText('after', `\n${exitCodesHelp()}`);
  forEachCommand(root, (command) => configure(command, output));
  return { root, exitCode: () => code };
}
