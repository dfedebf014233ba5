// The `qkms dev` profile: a SoftHSM2 token in a local data directory, created on first run with
// random PINs (kept in files readable only by the owner) and one demo key per key spec.

import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_SPECS, type KeySpec } from '../crypto/key-specs';
import type { Capabilities } from '../crypto/capabilities';
import type { KeyCatalog } from '../keys/key-catalog';
import type { KeyEntry } from '../keys/key-record';
import type { KeyStore } from '../keys/key-store';

export const DEV_TOKEN_LABEL = 'qkms-dev';
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface DevToken {
  readonly dataDir: string;
  readonly softhsmConf: string;
  readonly pinFile: string;
  readonly created: boolean;
}

/** Creates (once) the SoftHSM configuration and token under `dataDir`, and points SoftHSM at it. */
export function prepareDevToken(dataDir: string, label = DEV_TOKEN_LABEL): DevToken {
  const dir = resolve(dataDir);
  const tokens = join(dir, 'tokens');
  const softhsmConf = join(dir, 'softhsm2.conf');
  const pinFile = join(dir, 'user.pin');
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  if (!existsSync(softhsmConf)) {
    writeFileSync(
      softhsmConf,
      `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
  }
  // SoftHSM reads SOFTHSM2_CONF when the module initialises, in this process.
  process.env.SOFTHSM2_CONF = softhsmConf;
  const created = !existsSync(pinFile);
  if (created) {
    const pin = randomBytes(8).toString('hex');
    const soPin = randomBytes(8).toString('hex');
    try {
      execFileSync(
        'softhsm2-util',
        ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin],
        { env: process.env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (err) {
      // The thrown error repeats the command line, PINs included: report only softhsm2-util's words.
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
      throw new Error(
        `softhsm2-util could not create the dev token in ${tokens}: ${stderr || 'failed'}`,
      );
    }
    writeFileSync(join(dir, 'so.pin'), `${soPin}\n`, { mode: 0o600 });
    writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  }
  return { dataDir: dir, softhsmConf, pinFile, created };
}

export function readPinFile(pinFile: string): string {
  return readFileSync(pinFile, 'utf8').split(/\r?\n/)[0] ?? '';
}

/** alias/demo-rsa-2048, alias/demo-ecc-nist-p256, … */
export const demoAlias = (spec: KeySpec): string =>
  `alias/demo-${spec.toLowerCase().replace(/_/g, '-')}`;

const DEMO_TAG = { TagKey: 'purpose', TagValue: 'demo' };

/**
 * Creates one demo key per key spec this token can generate, each with its alias in the same
 * change. A token that holds other keys is left alone; one whose first run was interrupted gets
 * the demo keys it is missing.
 */
export async function ensureDemoKeys(
  catalog: KeyCatalog,
  store: KeyStore,
  capabilities: Capabilities,
): Promise<KeySpec[]> {
  const isDemo = (k: KeyEntry) =>
    k.record.tags.some((t) => t.TagKey === DEMO_TAG.TagKey && t.TagValue === DEMO_TAG.TagValue);
  if (!catalog.keys().every(isDemo)) return [];
  const created: KeySpec[] = [];
  for (const spec of KEY_SPECS) {
    if (!capabilities.keySpec(spec).ok || catalog.alias(demoAlias(spec))) continue;
    await store.createKey(
      {
        keySpec: spec,
        description: `QKMS demo key (${spec})`,
        tags: [DEMO_TAG],
        aliases: [demoAlias(spec)],
      },
      { requestId: randomUUID(), principal: null, source: 'qkms dev' },
    );
    created.push(spec);
  }
  return created;
}
