// Runs one `qkms` command line to its exit code: usage errors are 2, runtime failures are
// printed as `qkms: …` and are 1 unless they carry their own code (78: the PIN was refused).
// The codes are listed in src/cli/exit-codes.ts.

import { CommanderError } from 'commander';
import { StartupError } from '../gateway';
import { EXIT } from './exit-codes';
import { buildProgram, type CliActions, type CliOutput } from './program';

const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function runCli(
  argv: readonly string[],
  actions: CliActions,
  output: CliOutput = processOutput,
): Promise<number> {
  const program = buildProgram(actions, output);
  try {
    await program.root.parseAsync([...argv], { from: 'user' });
    return program.exitCode();
  } catch (err) {
    // Commander has already printed the error and the usage hint, or the help asked for.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    output.err(`qkms: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof StartupError ? err.exitCode : EXIT.failure;
  }
}
