// Everything `npm run docs:api` writes: one page per served operation, the reference's overview,
// common errors and sidebar category under docs/api/, and docs/compatibility.md's generated
// blocks. The generator test compares the committed files with this.

import { OPERATIONS } from '../operations/registry';
import { OPERATION_DOCS } from './operations';
import { renderCategory, renderCommonErrors, renderOverview } from './render/overview';
import { renderOperationPage } from './render/page';

/** The files under docs/api, by name. */
export function renderApiPages(): Map<string, string> {
  const files = new Map<string, string>([
    ['index.mdx', renderOverview()],
    ['common-errors.mdx', renderCommonErrors()],
    ['_category_.json', renderCategory()],
  ]);
  [...OPERATIONS.values()].forEach((op, i) => {
    const doc = OPERATION_DOCS.get(op.name);
    if (!doc) throw new Error(`${op.name} has no page data in src/api-docs/operations`);
    files.set(`${op.name}.mdx`, renderOperationPage(op, doc, i + 2));
  });
  return files;
}

export { renderCompatibility } from './render/compatibility';
