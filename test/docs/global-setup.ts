// Jest global setup of the docs project: the built site (rebuilt with `npm run docs:build` when
// any of its sources is newer than the build), the built daemon, and the SoftHSM test token.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QKMS_BIN } from '../support/daemon';
import { SITE_BUILD } from '../support/static-site';
import { createTestToken } from '../support/test-token-setup';

const ROOT = join(__dirname, '../..');
const SITE = join(ROOT, 'docs/site');

/** Newest modification time among the site's sources: the pages and the site's own code. */
function newestSource(): number {
  const times: number[] = [];
  const walk = (dir: string, keep: (name: string) => boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      // The site's own directory is walked apart: its build and node_modules are no source.
      if (entry.isDirectory() && path !== SITE) walk(path, keep);
      else if (entry.isFile() && keep(entry.name)) times.push(statSync(path).mtimeMs);
    }
  };
  walk(join(ROOT, 'docs'), (name) => /\.(md|mdx|json)$/.test(name));
  walk(join(SITE, 'src'), () => true);
  for (const file of ['docusaurus.config.ts', 'sidebars.ts', 'package-lock.json'])
    times.push(statSync(join(SITE, file)).mtimeMs);
  return Math.max(...times);
}

function ensureSiteBuilt(): void {
  if (!existsSync(join(SITE, 'node_modules/@docusaurus/core')))
    throw new Error('the docs site is not installed: run `npm ci --prefix docs/site` first');
  const built = join(SITE_BUILD, 'api/Sign.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource()) return;
  execFileSync('npm', ['run', '--silent', 'docs:build'], { cwd: ROOT, stdio: 'inherit' });
}

export default async function globalSetup(): Promise<void> {
  ensureSiteBuilt();
  if (!existsSync(QKMS_BIN)) throw new Error('qkms is not built: run `npm run build` first');
  if (process.env.QKMS_TEST_DATA_DIR) return; // Made by another project of this run.
  await createTestToken();
}
