// Makes the QKMS_DEV_KEYS keys and aliases on the dev token, before the API answers. A kept data
// directory (a container volume) starts with them already there: an entry the token already
// satisfies is left alone, and one the token contradicts stops start-up with the entry named,
// rather than serving a key of a different spec under the alias a test asked for.

import { randomUUID } from 'node:crypto';
import type { Capabilities } from '../crypto/capabilities';
import type { KeyCatalog } from '../keys/key-catalog';
import type { KeyEntry } from '../keys/key-record';
import type { Caller, KeyStore } from '../keys/key-store';
import { keyKindUsable } from '../operations/create-key';
import {
  DevKeysError,
  devKeyKind,
  devKeysEntry,
  devKeyUsage,
  type DevAlias,
  type DevKey,
  type DevKeys,
} from './dev-keys';

/** Marks the keys made for QKMS_DEV_KEYS (ListResourceTags shows where a key came from). */
export const DEV_KEYS_TAG = { TagKey: 'purpose', TagValue: 'qkms-dev-keys' };

const caller = (): Caller => ({ requestId: randomUUID(), principal: null, source: 'qkms dev' });

async function ensureKey(
  key: DevKey,
  catalog: KeyCatalog,
  store: KeyStore,
  capabilities: Capabilities,
): Promise<boolean> {
  const at = devKeysEntry(`${key.alias}=${devKeyKind(key)}`);
  const usage = devKeyUsage(key);
  const existing = catalog.aliasTarget(key.alias);
  if (existing) {
    const { keySpec, keyUsage, keyId } = existing.record;
    if (keySpec === key.spec && keyUsage === usage) return false;
    const what =
      keySpec === key.spec ? `whose key usage is ${keyUsage}` : `whose spec is ${keySpec}`;
    throw new DevKeysError([
      `${at}: ${key.alias} already names key ${keyId}, ${what}; use another alias or a new data directory`,
    ]);
  }
  const capability = keyKindUsable(capabilities, key.spec, usage);
  if (!capability.ok) {
    const kind = key.usage ? `${key.spec} ${usage}` : key.spec;
    throw new DevKeysError([`${at}: this token cannot make ${kind} keys (${capability.reason})`]);
  }
  await store.createKey(
    {
      keySpec: key.spec,
      keyUsage: usage,
      description: `${key.alias} (QKMS_DEV_KEYS)`,
      tags: [DEV_KEYS_TAG],
      aliases: [key.alias],
    },
    caller(),
  );
  return true;
}

async function ensureAlias(
  alias: DevAlias,
  catalog: KeyCatalog,
  store: KeyStore,
): Promise<boolean> {
  const at = devKeysEntry(`${alias.alias}=${alias.target}`);
  const target: KeyEntry | undefined = catalog.aliasTarget(alias.target);
  if (!target) {
    throw new DevKeysError([
      `${at}: ${alias.target} names no key (neither an entry before it nor the token has it)`,
    ]);
  }
  const existing = catalog.aliasTarget(alias.alias);
  if (existing) {
    if (existing.record.keyId === target.record.keyId) return false;
    throw new DevKeysError([
      `${at}: ${alias.alias} already names key ${existing.record.keyId}, not ${target.record.keyId} which ${alias.target} names`,
    ]);
  }
  await store.createAlias(alias.alias, target.record.keyId, caller());
  return true;
}

/**
 * Makes what `devKeys` asks for and the token lacks: keys first, then aliases in the order
 * given. Returns the aliases it made (for the start-up banner).
 */
export async function ensureDevKeys(
  devKeys: DevKeys,
  catalog: KeyCatalog,
  store: KeyStore,
  capabilities: Capabilities,
): Promise<string[]> {
  const made: string[] = [];
  for (const key of devKeys.keys) {
    if (await ensureKey(key, catalog, store, capabilities)) made.push(key.alias);
  }
  for (const alias of devKeys.aliases) {
    if (await ensureAlias(alias, catalog, store)) made.push(alias.alias);
  }
  return made;
}
