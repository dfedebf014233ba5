// docs/testing-with-qkms.md quotes the files the container suite runs (the application's jest
// test, the Python recipe); this keeps each quoted block identical to its file, so the page shows
// only code that ran, and keeps the missing-image error it shows identical to the module's.
// QKMS_UPDATE_DOCS=1 rewrites the blocks from the files instead of failing.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QkmsImageMissingError } from '../../../src/testcontainers';

const ROOT = join(__dirname, '../../..');
const DOC = join(ROOT, 'docs/testing-with-qkms.md');
// A quoted file: a marker comment naming it, a blank line, then a fenced block.
const BLOCK = /<!-- file: (\S+) -->\n\n```(\w+)\n([\s\S]*?)```\n/g;
const QUOTED = [
  'test/container/app/signing.test.ts',
  'test/container/python/run-tests.sh',
  'test/container/python/test_signing.py',
];

/**
 * What a reader copies: the file but for its import of the suite's skip helper (which turns
 * `describe` into a skip when no Docker engine can be reached).
 */
function shown(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8').replace(/^import .* from '\.\/engine';\n/m, '');
}

describe('docs/testing-with-qkms.md', () => {
  if (process.env.QKMS_UPDATE_DOCS === '1') {
    const updated = readFileSync(DOC, 'utf8').replace(
      BLOCK,
      (_, file: string, language: string) =>
        `<!-- file: ${file} -->\n\n\`\`\`${language}\n${shown(file)}\`\`\`\n`,
    );
    writeFileSync(DOC, updated);
  }
  const text = readFileSync(DOC, 'utf8');
  const blocks = [...text.matchAll(BLOCK)].map(([, file, , code]) => ({
    file: file as string,
    code: code as string,
  }));

  it('quotes the application test and the Python recipe, each once', () => {
    expect(blocks.map((b) => b.file)).toEqual(QUOTED);
  });

  it.each(blocks.map((b) => [b.file, b.code]))('shows %s as the suite runs it', (file, code) => {
    expect(code).toBe(shown(file));
  });

  it('shows the error a missing image gives, word for word', () => {
    expect(text).toContain(`\nError: ${new QkmsImageMissingError('qkms:dev').message}\n`);
  });

  it('names the default image and the command that builds it', () => {
    expect(text).toContain(
      '```sh\ndocker build -f deploy/Dockerfile --target dev -t qkms:dev .\n```',
    );
  });
});
