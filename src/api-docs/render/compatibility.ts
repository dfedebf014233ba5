// The parts of docs/compatibility.md that come from the same tables as the reference pages:
// which operations are served (and what each does), and which exceptions each answers. They
// sit between marker comments; `npm run docs:api` rewrites them and a test keeps them current.

import { NOT_SERVED, OPERATIONS } from '../../operations/registry';
import { OPERATION_DOCS } from '../operations';
import { errorRows } from './errors';
import { cell, table } from './mdx';

const begin = (block: string) => `<!-- BEGIN GENERATED ${block} (npm run docs:api) -->`;
const end = (block: string) => `<!-- END GENERATED ${block} -->`;

function operationsBlock(): string {
  const served = [...OPERATIONS.keys()].map((name) => [
    `[${name}](api/${name}.mdx)`,
    `served: ${cell(OPERATION_DOCS.get(name)?.summary ?? '')}`,
  ]);
  return table(
    ['operation', 'status'],
    [
      ...served,
      [
        [...NOT_SERVED].join(', '),
        'not served: `UnsupportedOperationException` naming the operation',
      ],
      ['anything else', '`UnknownOperationException`'],
    ],
  );
}

function errorsBlock(): string {
  return table(
    ['operation', 'exceptions it answers (HTTP status)'],
    [...OPERATIONS.values()].map((op) => [
      `[${op.name}](api/${op.name}.mdx#special-errors)`,
      errorRows(op.errors)
        .map((row) => `\`${row.name}\` (${row.status})`)
        .join(', '),
    ]),
  );
}

const BLOCKS: Readonly<Record<string, () => string>> = {
  operations: operationsBlock,
  errors: errorsBlock,
};

/** `text` with every generated block rewritten; throws if a block's markers are missing. */
export function renderCompatibility(text: string): string {
  let out = text;
  for (const [block, render] of Object.entries(BLOCKS)) {
    const from = out.indexOf(begin(block));
    const to = out.indexOf(end(block));
    if (from === -1 || to === -1 || to < from)
      throw new Error(`docs/compatibility.md lacks the markers of the generated ${block} block`);
    out = `${out.slice(0, from)}${begin(block)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}
