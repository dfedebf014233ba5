// Renders docs/cli.md from the command definitions (src/cli/program.ts and commands/), so the
// reference cannot drift from what `--help` says. `npm run docs:cli` writes it; a unit test fails
// when the committed file is stale.

import type { Command } from 'commander';
import { EXIT_CODE_DOCS } from './exit-codes';
import { detailsOf } from './help-details';
import { buildProgram, type CliActions } from './program';
import { commandPath, forEachCommand } from './tree';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The definitions only: nothing runs while the reference is rendered. */
const NOTHING: CliActions = {
  serve: () => Promise.resolve(0),
  dev: () => Promise.resolve(0),
  keys: () => Promise.resolve(0),
  migrate: () => Promise.resolve(0),
};

function table(head: [string, string], rows: readonly [string, string][]): string {
  return [
    `| ${head[0]} | ${head[1]} |`,
    '| --- | --- |',
    ...rows.map(([a, b]) => `| ${cell(a)} | ${cell(b)} |`),
  ].join('\n');
}

/** `## qkms keys create`: usage, arguments, options, notes, environment and examples. */
function section(command: Command): string {
  const help = command.createHelp();
  const path = commandPath(command);
  const parts = [
    `## ${path}`,
    sentence(command.description()),
    ['```', help.commandUsage(command), '```'].join('\n'),
  ];
  const args = help.visibleArguments(command);
  if (args.length > 0)
    parts.push(
      table(
        ['argument', 'meaning'],
        args.map((a) => [`\`${help.argumentTerm(a)}\``, help.argumentDescription(a)]),
      ),
    );
  // --help and --version are on every command: said once, at the top.
  const options = help
    .visibleOptions(command)
    .filter((o) => o.long !== '--help' && o.long !== '--version');
  if (options.length > 0)
    parts.push(
      table(
        ['option', 'meaning'],
        options.map((o) => [
          `\`${o.flags}\``,
          `${help.optionDescription(o)}${o.mandatory ? ' (required)' : ''}`,
        ]),
      ),
    );
  if (command.commands.length > 0)
    parts.push(
      table(
        ['command', 'what it does'],
        command.commands.map((sub) => [
          `[\`${commandPath(sub)}\`](#${anchor(sub)})`,
          sub.description(),
        ]),
      ),
    );
  const { notes, env = [], examples = [] } = detailsOf(command);
  if (notes) parts.push(notes);
  if (env.length > 0)
    parts.push(
      `Environment variables${command.commands.length > 0 ? ' (every subcommand)' : ''}:`,
      table(
        ['variable', 'meaning'],
        env.map((e) => [
          e.name
            .split(', ')
            .map((n) => `\`${n}\``)
            .join(', '),
          e.meaning,
        ]),
      ),
    );
  if (examples.length > 0) parts.push('Examples:', ['```sh', ...examples, '```'].join('\n'));
  return parts.join('\n\n');
}

/** A one-line description as a sentence of its own. */
const sentence = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

/** GitHub's heading anchor for `## qkms keys create`. */
function anchor(command: Command): string {
  return commandPath(command).replace(/ /g, '-');
}

export function renderCliDocs(): string {
  const { root } = buildProgram(NOTHING, { out: () => undefined, err: () => undefined });
  const sections: string[] = [];
  forEachCommand(root, (command) => {
    if (command !== root) sections.push(section(command));
  });
  const exitCodes = table(
    ['exit code', 'meaning'],
    EXIT_CODE_DOCS.map((d) => [`\`${d.code}\``, d.meaning]),
  );
  const commands = table(
    ['command', 'what it does'],
    root.commands
      .flatMap((c) => [c, ...c.commands])
      .map((c) => [`[\`${commandPath(c)}\`](#${anchor(c)})`, c.description()]),
  );
  return `# Command line reference

<!-- Generated from the command definitions in src/cli/ by \`npm run docs:cli\`. Do not edit by hand. -->

\`qkms\` is \`node dist/cli/main.js\` (the \`bin\` of package.json, and the entry point of the
container image: \`docker run qkms <command> …\`). Every command and subcommand answers
\`-h, --help\` with its usage, options, environment variables and examples, and \`-V, --version\`
with QKMS's version; \`qkms help <command>\` is the same as \`--help\`. An option's value follows
it (\`--port 9090\`) or is joined to it with \`=\` (\`--port=9090\`); options may come before or
after a command's arguments. Every setting beyond the options is in
[configuration.md](configuration.md).

${commands}

## Exit codes

The same for every command. A usage error is found before anything is opened; runtime failures
are printed on stderr as \`qkms: …\` (a PIN or an access key secret never is, nor a value typed
into an unknown option).

${exitCodes}

${sections.join('\n\n')}
`;
}
