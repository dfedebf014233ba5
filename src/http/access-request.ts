// What a request asks to do, in the terms of the key policy: the action, the keys it touches
// (resolved the way the operation will resolve them) and the KMS condition keys. Most calls are
// one check; ReEncrypt is two, as in KMS: kms:ReEncryptFrom on the key that encrypted the
// ciphertext and kms:ReEncryptTo on the key that encrypts it again.

import { contextConditionName, type AccessRequest } from '../auth/policy';
import { keyIdOfBlob } from '../crypto/ciphertext-blob';
import { KmsError } from '../errors/kms-error';
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

/** Input members of one check: which name keys, which hold the algorithm and the context. */
interface CheckMembers {
  readonly action: string;
  readonly keyMembers: readonly string[];
  /** A ciphertext blob whose header names the key (a symmetric ciphertext), when no key member does. */
  readonly blobMember?: string;
  readonly encryptionAlgorithm?: string;
  readonly encryptionContext?: string;
}

/**
 * Operations where kms:EncryptionAlgorithm has a value even when the request names none: the
 * symmetric default, as in KMS (data keys are always made under a symmetric key).
 */
const SYMMETRIC_BY_DEFAULT = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

/** ReEncrypt's two checks; every other operation is one check on KeyId and TargetKeyId. */
function checksOf(operation: string): CheckMembers[] {
  if (operation === 'ReEncrypt') {
    return [
      {
        action: 'kms:ReEncryptFrom',
        keyMembers: ['SourceKeyId'],
        blobMember: 'CiphertextBlob',
        encryptionAlgorithm: 'SourceEncryptionAlgorithm',
        encryptionContext: 'SourceEncryptionContext',
      },
      {
        action: 'kms:ReEncryptTo',
        keyMembers: ['DestinationKeyId'],
        encryptionAlgorithm: 'DestinationEncryptionAlgorithm',
        encryptionContext: 'DestinationEncryptionContext',
      },
    ];
  }
  return [
    {
      action: `kms:${operation}`,
      keyMembers: ['KeyId', 'TargetKeyId'],
      ...(operation === 'Decrypt' ? { blobMember: 'CiphertextBlob' } : {}),
      encryptionAlgorithm: 'EncryptionAlgorithm',
      encryptionContext: 'EncryptionContext',
    },
  ];
}

/**
 * `kms:EncryptionContext:<key>` for each entry of the request's context, and
 * `kms:EncryptionContextKeys` listing its keys as written. Condition key names are
 * case-insensitive in AWS policies, so the name is lower-cased (policy.ts does the same); two
 * context keys that differ only in case give the name both values.
 */
function contextConditions(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const keys: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') continue;
    const name = contextConditionName(key);
    out[name] = [...(out[name] ?? []), entry];
    keys.push(key);
  }
  if (keys.length > 0) out['kms:EncryptionContextKeys'] = keys;
  return out;
}

function check(
  principal: string,
  operation: string,
  members: CheckMembers,
  input: Record<string, unknown>,
  catalog: KeyFinder,
): AccessRequest {
  const keys: KeyEntry[] = [];
  let unresolved = false;
  const references = members.keyMembers.map((m) => text(input[m]));
  const blob = members.blobMember ? input[members.blobMember] : undefined;
  // A symmetric ciphertext names its key: without a KeyId that is the key the call uses.
  const blobKeyId =
    references.every((r) => r === undefined) && Buffer.isBuffer(blob) ? keyIdOfBlob(blob) : null;
  for (const reference of [...references, blobKeyId ?? undefined]) {
    if (reference === undefined) continue;
    try {
      keys.push(catalog.resolve(reference));
    } catch (err) {
      // Only a key that does not exist is left to the operation (its NotFoundException or
      // InvalidCiphertextException). Anything else (the metadata store is unusable) is the
      // answer itself: passing the check without the key would let the call run unchecked.
      if (!(err instanceof KmsError && err.name === 'NotFoundException')) throw err;
      unresolved = true;
    }
  }
  const aliasName = text(input.AliasName);
  const aliasOwner = aliasName === undefined ? undefined : catalog.aliasTarget(aliasName);
  if (aliasOwner) keys.push(aliasOwner);
  const algorithm = text(input.SigningAlgorithm);
  const encryption =
    (members.encryptionAlgorithm && text(input[members.encryptionAlgorithm])) ??
    (SYMMETRIC_BY_DEFAULT.has(operation) ? 'SYMMETRIC_DEFAULT' : undefined);
  const keyAgreement = text(input.KeyAgreementAlgorithm);
  const pairSpec = text(input.KeyPairSpec);
  const requestAlias = aliasOf(references[0]);
  return {
    principal,
    action: members.action,
    keys,
    unresolved,
    context: {
      ...(algorithm
        ? { 'kms:SigningAlgorithm': algorithm, 'kms:MessageType': text(input.MessageType) ?? 'RAW' }
        : {}),
      ...(encryption ? { 'kms:EncryptionAlgorithm': encryption } : {}),
      ...(keyAgreement ? { 'kms:KeyAgreementAlgorithm': keyAgreement } : {}),
      ...(pairSpec ? { 'kms:DataKeyPairSpec': pairSpec } : {}),
      ...(members.encryptionContext ? contextConditions(input[members.encryptionContext]) : {}),
      ...(requestAlias ? { 'kms:RequestAlias': requestAlias } : {}),
    },
  };
}

/** The checks a request must pass, each allowed for every key it names. */
export function accessRequests(
  principal: string,
  operation: string,
  input: Record<string, unknown>,
  catalog: KeyFinder,
): AccessRequest[] {
  return checksOf(operation).map((members) => check(principal, operation, members, input, catalog));
}
