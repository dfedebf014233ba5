// Walking the `qkms` command tree: a command's full name, and every command in it.

import type { Command } from 'commander';

/** `qkms keys create`, for usage hints and headings. */
export function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

export function forEachCommand(root: Command, visit: (command: Command) => void): void {
  visit(root);
  for (const sub of root.commands) forEachCommand(sub, visit);
}
