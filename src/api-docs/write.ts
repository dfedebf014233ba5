// `npm run docs:api`: writes the API reference pages and compatibility.md's generated blocks
// into a checkout (the argument, or the current directory); pages of operations no longer
// served are removed.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiPages, renderCompatibility } from './render-all';

export function writeApiDocs(root: string): string[] {
  const dir = join(root, 'docs/api');
  mkdirSync(dir, { recursive: true });
  const pages = renderApiPages();
  for (const stale of readdirSync(dir).filter((f) => !pages.has(f))) rmSync(join(dir, stale));
  for (const [name, text] of pages) writeFileSync(join(dir, name), text);
  const compatibility = join(root, 'docs/compatibility.md');
  writeFileSync(compatibility, renderCompatibility(readFileSync(compatibility, 'utf8')));
  return [...pages.keys()].map((name) => `docs/api/${name}`).concat('docs/compatibility.md');
}

if (require.main === module) {
  for (const file of writeApiDocs(process.argv[2] ?? process.cwd()))
    process.stdout.write(`wrote ${file}\n`);
}
