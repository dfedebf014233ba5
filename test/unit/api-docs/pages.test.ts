// docs/api and compatibility.md's generated blocks are written from the code by `npm run
// docs:api`; this keeps the committed copies current, as docs.test.ts does for the config.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiPages, renderCompatibility } from '../../../src/api-docs/render-all';

const DOCS = join(__dirname, '../../../docs');

describe('docs/api', () => {
  const pages = renderApiPages();

  it.each([...pages.keys()])('%s matches what npm run docs:api renders', (name) => {
    expect(readFileSync(join(DOCS, 'api', name), 'utf8')).toBe(pages.get(name));
  });

  it('holds no page the code does not render', () => {
    expect(readdirSync(join(DOCS, 'api')).sort()).toEqual([...pages.keys()].sort());
  });
});

describe('docs/compatibility.md', () => {
  it('has the operations and exceptions tables the code renders', () => {
    const committed = readFileSync(join(DOCS, 'compatibility.md'), 'utf8');
    expect(committed).toBe(renderCompatibility(committed));
  });

  it('refuses to render without the markers, rather than drop a table', () => {
    expect(() => renderCompatibility('# Compatibility\n')).toThrow(/lacks the markers/);
  });
});
