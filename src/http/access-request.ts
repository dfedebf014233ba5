// What a request asks to do, in the terms of the key policy: the action, the keys it touches
// (resolved the way the operation will resolve them) and the KMS condition keys.

import type { AccessRequest } from '../auth/policy';
import type { KeyCatalog } from '../keys/key-catalog';
import type { KeyEntry } from '../keys/key-record';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The alias a key reference names ("alias/x" or an alias ARN), if any. */
function aliasOf(reference: string | undefined): string | undefined {
  if (!reference) return undefined;
  if (reference.startsWith('alias/')) return reference;
  const at = reference.indexOf(':alias/');
  return at === -1 ? undefined : reference.slice(at + 1);
}

/** The parts of the catalog the policy needs (the API reference runs this with a stand-in). */
export type KeyFinder = Pick<KeyCatalog, 'resolve' | 'aliasTarget'>;

export function accessRequest(
  principal: string,
  operation: string,
  input: Record<string, unknown>,
  catalog: KeyFinder,
): AccessRequest {
  const keys: KeyEntry[] = [];
  let unresolved = false;
  for (const reference of [text(input.KeyId), text(input.TargetKeyId)]) {
    if (reference === undefined) continue;
    try {
      keys.push(catalog.resolve(reference));
    } catch {
      unresolved = true; // the operation's NotFoundException to give
    }
  }
  const aliasName = text(input.AliasName);
  const aliasOwner = aliasName === undefined ? undefined : catalog.aliasTarget(aliasName);
  if (aliasOwner) keys.push(aliasOwner);
  const algorithm = text(input.SigningAlgorithm);
  const requestAlias = aliasOf(text(input.KeyId));
  return {
    principal,
    action: `kms:${operation}`,
    keys,
    unresolved,
    context: {
      ...(algorithm
        ? { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': text(input.MessageType) ?? 'RAW' }
        : {}),
      ...(requestAlias ? { 'kms:RequestAlias': requestAlias } : {}),
    },
  };
}
