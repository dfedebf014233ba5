// Builds the test-only PKCS#11 modules in native/: each forwards to SoftHSM (native/
// pkcs11-forward.h) and overrides a call or two to behave as a faulty token would.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const NATIVE = join(__dirname, 'native');
/** pkcs11js ships the OASIS headers it is built with: no -dev package needed. */
const HEADERS = join(__dirname, '../../node_modules/pkcs11js/includes/pkcs11');

/** Compiles native/<name>.c into `dir`/<name>.so; returns its path. */
export function buildShim(name: 'first-open-fails' | 'corrupt-signatures', dir: string): string {
  const out = join(dir, `${name}.so`);
  execFileSync('gcc', [
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    `-I${HEADERS}`,
    `-I${NATIVE}`,
    '-shared',
    '-fPIC',
    '-o',
    out,
    join(NATIVE, `${name}.c`),
    '-ldl',
  ]);
  return out;
}
