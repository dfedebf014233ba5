// QKMS_DEV_KEYS: the extra keys and aliases `qkms dev` makes at start-up, written as
// `alias/app=ECC_NIST_P256,alias/inbox=RSA_2048:ENCRYPT_DECRYPT,alias/app-current=alias/app`. Parsing and writing the value live here
// together, with no token in sight, because two sides share the format: the dev profile reads it
// and the testcontainers module (src/testcontainers/) writes it and checks a test's keys with
// the same rules before any container starts.

import { KEY_SPEC_TABLE, KEY_SPECS, type KeySpec, type KeyUsage } from '../crypto/key-specs';
import { DEV_KEYS_VAR } from '../config/dev-variables';
import { assertValidAliasName } from '../operations/alias-rules';

/** `ALIAS=KEY_SPEC[:KEY_USAGE]`: a new key of that spec (and usage) with that alias. */
export interface DevKey {
  readonly alias: string;
  readonly spec: KeySpec;
  /** Absent: the spec's first key usage (SIGN_VERIFY for RSA and ECC). */
  readonly usage?: KeyUsage;
}

/** The usage a DevKey's key has: the one written, else the spec's first. */
export const devKeyUsage = (key: DevKey): KeyUsage =>
  key.usage ?? (KEY_SPEC_TABLE[key.spec].keyUsages[0] as KeyUsage);

/** `RSA_2048`, or `RSA_2048:ENCRYPT_DECRYPT` when a usage was written. */
export const devKeyKind = (key: DevKey): string =>
  key.usage ? `${key.spec}:${key.usage}` : key.spec;

/** `ALIAS=OTHER_ALIAS`: one more alias for the key another alias names. */
export interface DevAlias {
  readonly alias: string;
  readonly target: string;
}

export interface DevKeys {
  readonly keys: readonly DevKey[];
  readonly aliases: readonly DevAlias[];
}

export const NO_DEV_KEYS: DevKeys = { keys: [], aliases: [] };

/** Every problem of a QKMS_DEV_KEYS value, each naming its entry. */
export class DevKeysError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}

const isKeySpec = (text: string): text is KeySpec =>
  (KEY_SPECS as readonly string[]).includes(text);

/** The reason `name` is not an alias name a key may have, or null. */
function aliasProblem(name: string): string | null {
  try {
    assertValidAliasName(name);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** `QKMS_DEV_KEYS entry "alias/x=RSA_1024"`: how every message points at what to fix. */
export const devKeysEntry = (entry: string): string => `${DEV_KEYS_VAR} entry "${entry}"`;

/**
 * Reads a QKMS_DEV_KEYS value: entries separated by commas (or newlines), blanks ignored.
 * Throws a DevKeysError listing every malformed entry.
 */
export function parseDevKeys(value: string | undefined): DevKeys {
  const entries = (value ?? '')
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const keys: DevKey[] = [];
  const aliases: DevAlias[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const at = devKeysEntry(entry);
    const equals = entry.indexOf('=');
    const alias = entry.slice(0, Math.max(equals, 0)).trim();
    const right = entry.slice(equals + 1).trim();
    if (equals < 0 || alias === '' || right === '') {
      problems.push(
        `${at}: write ALIAS=KEY_SPEC or ALIAS=KEY_SPEC:KEY_USAGE (a new key) or ALIAS=OTHER_ALIAS (another alias)`,
      );
      continue;
    }
    const bad = aliasProblem(alias);
    if (bad !== null) {
      problems.push(`${at}: ${bad}`);
      continue;
    }
    if (seen.has(alias)) {
      problems.push(`${at}: ${alias} is named by an earlier entry too`);
      continue;
    }
    seen.add(alias);
    const [specText = '', usage, ...extra] = right.split(':');
    if (isKeySpec(specText)) {
      const usages = KEY_SPEC_TABLE[specText].keyUsages as readonly string[];
      if (usage === undefined) keys.push({ alias, spec: specText });
      else if (extra.length === 0 && usages.includes(usage))
        keys.push({ alias, spec: specText, usage: usage as KeyUsage });
      else
        problems.push(
          `${at}: ${specText} keys take key usage ${usages.join(' or ')}, not ${right.slice(specText.length + 1)}`,
        );
    } else if (right.startsWith('alias/')) {
      const badTarget = aliasProblem(right);
      if (badTarget !== null) problems.push(`${at}: ${badTarget}`);
      else if (right === alias) problems.push(`${at}: an alias cannot name itself`);
      else aliases.push({ alias, target: right });
    } else {
      problems.push(
        `${at}: ${right} is neither a key spec (${KEY_SPECS.join(', ')}) nor an alias (alias/…)`,
      );
    }
  }
  if (problems.length > 0) throw new DevKeysError(problems);
  return { keys, aliases };
}

/** The QKMS_DEV_KEYS value for `devKeys`: keys first, so every alias entry follows its key. */
export function formatDevKeys(devKeys: DevKeys): string {
  return [
    ...devKeys.keys.map((k) => `${k.alias}=${devKeyKind(k)}`),
    ...devKeys.aliases.map((a) => `${a.alias}=${a.target}`),
  ].join(',');
}
