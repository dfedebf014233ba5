// What a command's `--help` says after its options: the environment variables it reads and
// examples. The same record feeds docs/cli.md (src/cli/docs.ts), so the two cannot disagree.

import type { Command } from 'commander';

export interface EnvVarDoc {
  readonly name: string;
  readonly meaning: string;
}

export interface CommandDetails {
  /** A paragraph on what the command does beyond its one-line description. */
  readonly notes?: string;
  readonly env?: readonly EnvVarDoc[];
  /** Command lines, each optionally followed by `  # comment`. */
  readonly examples?: readonly string[];
}

const DETAILS = new WeakMap<Command, CommandDetails>();

export function detailsOf(command: Command): CommandDetails {
  return DETAILS.get(command) ?? {};
}

/** Help is read in terminals: the width commander's own help wraps at when it cannot tell. */
const WIDTH = 80;

/** Words of `text` in lines of at most WIDTH, the first after `first`, the others after `rest`. */
export function wrap(text: string, first = '', rest = first): string {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const start = lines.length === 0 ? first : rest;
    if (line.length > start.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (line.length > start.length ? ' ' : '') + word;
    }
  }
  lines.push(line);
  return lines.join('\n');
}

function helpText({ notes, env = [], examples = [] }: CommandDetails): string {
  const sections: string[] = [];
  if (notes) sections.push(wrap(notes));
  if (env.length > 0) {
    // Long names (two variables in one entry) take a line of their own.
    const column = Math.min(Math.max(...env.map((e) => e.name.length)), 24) + 4;
    const entries = env.map(({ name, meaning }) => {
      const head = `  ${name}`;
      return head.length + 2 > column
        ? `${head}\n${wrap(meaning, ' '.repeat(column))}`
        : wrap(meaning, head.padEnd(column), ' '.repeat(column));
    });
    sections.push(`Environment:\n${entries.join('\n')}`);
  }
  if (examples.length > 0) sections.push(`Examples:\n${examples.map((e) => `  ${e}`).join('\n')}`);
  return sections.length > 0 ? `\n${sections.join('\n\n')}` : '';
}

/** Attaches details to a command and shows them at the end of its help. */
export function withDetails(command: Command, details: CommandDetails): Command {
  DETAILS.set(command, details);
  return command.addHelpText('after', helpText(details));
}
