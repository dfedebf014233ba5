// docs/integrations.md quotes the recipe modules that test/integrations/ runs against QKMS; this
// keeps each quoted block identical to its file, so the docs show only code the suite has run.
// QKMS_UPDATE_DOCS=1 rewrites the blocks from the files instead of failing.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const DOC = join(ROOT, 'docs/integrations.md');
const RECIPES = 'test/integrations/recipes';
// A recipe block: a marker comment naming the file, then (after the blank line prettier puts
// there) a fenced TypeScript block.
const BLOCK = /<!-- recipe: (\S+) -->\n\n?```ts\n([\s\S]*?)```\n/g;

describe('docs/integrations.md', () => {
  if (process.env.QKMS_UPDATE_DOCS === '1') {
    const text = readFileSync(DOC, 'utf8').replace(
      BLOCK,
      (_, file: string) =>
        `<!-- recipe: ${file} -->\n\n\`\`\`ts\n${readFileSync(join(ROOT, file), 'utf8')}\`\`\`\n`,
    );
    writeFileSync(DOC, text);
  }
  const text = readFileSync(DOC, 'utf8');
  const blocks = [...text.matchAll(BLOCK)].map(([, file, code]) => ({
    file: file as string,
    code: code as string,
  }));

  it('quotes every recipe module, once', () => {
    const recipes = readdirSync(join(ROOT, RECIPES))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${RECIPES}/${f}`)
      .sort();
    expect(blocks.map((b) => b.file).sort()).toEqual(recipes);
  });

  it.each(blocks.map((b) => [b.file, b.code]))(
    'shows %s exactly as the tests run it',
    (file, code) => {
      expect(code).toBe(readFileSync(join(ROOT, file), 'utf8'));
    },
  );

  it('names the library versions the tests installed', () => {
    const project = join(ROOT, 'test/integrations');
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of Object.keys(manifest.devDependencies)) {
      const version = lock.packages[`node_modules/${name}`]?.version ?? 'missing';
      // A table row, however prettier pads its cells.
      const row = new RegExp(`^\\| \`${name}\` +\\| ${version.replace(/\./g, '\\.')} +\\|`, 'm');
      expect(text).toMatch(row);
    }
  });
});
