// The `qkms dev` profile: a SoftHSM2 token in a local data directory, created on first run with
// random PINs (kept in files readable only by the owner) and the demo keys (DEMO_KEYS).

import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_SPEC_TABLE, KEY_SPECS, type KeySpec, type KeyUsage } from '../crypto/key-specs';
import type { Capabilities } from '../crypto/capabilities';
import type { KeyCatalog } from '../keys/key-catalog';
import type { KeyEntry } from '../keys/key-record';
import type { KeyStore } from '../keys/key-store';
import { keyKindUsable } from '../operations/create-key';

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

/** A key `qkms dev` makes on a fresh token, with the alias that names it. */
export interface DemoKey {
  readonly alias: string;
  readonly spec: KeySpec;
  readonly usage: KeyUsage;
}

/** alias/demo-rsa-2048, alias/demo-ecc-nist-p256, …: each spec with its first key usage. */
const specAlias = (spec: KeySpec): string =>
  spec === 'SYMMETRIC_DEFAULT'
    ? 'alias/demo-symmetric'
    : `alias/demo-${spec.toLowerCase().replace(/_/g, '-')}`;

/**
 * One demo key per key spec with the spec's first usage (signing for RSA and EC, as before
 * encryption and key agreement existed), then one per other usage worth showing: RSA encryption
 * and ECDH.
 */
export const DEMO_KEYS: readonly DemoKey[] = [
  ...KEY_SPECS.map((spec) => ({
    alias: specAlias(spec),
    spec,
    usage: KEY_SPEC_TABLE[spec].keyUsages[0] as KeyUsage,
  })),
  { alias: 'alias/demo-rsa-encrypt', spec: 'RSA_2048', usage: 'ENCRYPT_DECRYPT' },
  { alias: 'alias/demo-ecdh-p256', spec: 'ECC_NIST_P256', usage: 'KEY_AGREEMENT' },
];

/** The alias of the demo key of `spec` and `usage` (default: the spec's first usage). */
export function demoAlias(spec: KeySpec, usage?: KeyUsage): string {
  const wanted = usage ?? KEY_SPEC_TABLE[spec].keyUsages[0];
  const key = DEMO_KEYS.find((k) => k.spec === spec && k.usage === wanted);
  if (!key) throw new Error(`qkms dev makes no ${spec} demo key with key usage ${wanted}`);
  return key.alias;
}

/** How the start-up banner names a demo key: its spec, and its usage where not the first. */
export const demoKeyLabel = (key: DemoKey): string =>
  key.usage === KEY_SPEC_TABLE[key.spec].keyUsages[0] ? key.spec : `${key.spec} ${key.usage}`;

const DEMO_TAG = { TagKey: 'purpose', TagValue: 'demo' };

/**
 * Creates each demo key this token can make and use, each with its alias in the same change. A
 * token that holds other keys is left alone; one whose first run was interrupted (or that was
 * made by an older QKMS, before a demo key was added) gets the demo keys it is missing.
 */
export async function ensureDemoKeys(
  catalog: KeyCatalog,
  store: KeyStore,
  capabilities: Capabilities,
): Promise<DemoKey[]> {
  const isDemo = (k: KeyEntry) =>
    k.record.tags.some((t) => t.TagKey === DEMO_TAG.TagKey && t.TagValue === DEMO_TAG.TagValue);
  if (!catalog.keys().every(isDemo)) return [];
  const created: DemoKey[] = [];
  for (const key of DEMO_KEYS) {
    if (!keyKindUsable(capabilities, key.spec, key.usage).ok || catalog.alias(key.alias)) continue;
    await store.createKey(
      {
        keySpec: key.spec,
        keyUsage: key.usage,
        description: `QKMS demo key (${demoKeyLabel(key)})`,
        tags: [DEMO_TAG],
        aliases: [key.alias],
      },
      { requestId: randomUUID(), principal: null, source: 'qkms dev' },
    );
    created.push(key);
  }
  return created;
}
