// docs/cli.md is generated from the command definitions; this keeps the committed copy current
// and checks that it documents what an operator needs for each command.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCliDocs } from '../../../src/cli/docs';
import { EXIT_CODE_DOCS } from '../../../src/cli/exit-codes';
import { buildProgram } from '../../../src/cli/program';
import { commandPath, forEachCommand } from '../../../src/cli/tree';

const committed = readFileSync(join(__dirname, '../../../docs/cli.md'), 'utf8');

it('matches what npm run docs:cli renders from the command definitions', () => {
  expect(committed).toBe(renderCliDocs());
});

it('has a section with the usage line and every option of every command', () => {
  const { root } = buildProgram(
    { serve: jest.fn(), dev: jest.fn(), keys: jest.fn(), migrate: jest.fn() },
    { out: () => undefined, err: () => undefined },
  );
  forEachCommand(root, (command) => {
    if (command === root) return;
    const path = commandPath(command);
    const section = committed.split(`\n## ${path}\n`)[1]?.split('\n## ')[0] ?? '';
    expect(section).toContain(`\`\`\`\n${path} [options]`);
    for (const option of command.options.filter((o) => o.long !== '--version'))
      expect(section).toContain(`| \`${option.flags}\` |`);
  });
});

it('lists every exit code', () => {
  for (const { code } of EXIT_CODE_DOCS) expect(committed).toContain(`| \`${code}\` |`);
});
