// Encryption under SYMMETRIC_DEFAULT keys: AES-256-GCM in the token, inside QKMS's ciphertext
// blob (crypto/ciphertext-blob.ts). The blob header (key id, material id) and the encryption
// context are the GCM additional data, so a ciphertext opens only under the key and material it
// names and with the context it was made with; anything else is InvalidCiphertextException,
// never a hint of which part was wrong.

import { randomBytes } from 'node:crypto';
import {
  blobAad,
  decodeBlob,
  encodeBlob,
  encodeHeader,
  type DecodedBlob,
} from '../crypto/ciphertext-blob';
import { GCM_IV_BYTES, gcmMechanism } from '../crypto/encryption-algorithms';
import type { EncryptionContext } from '../crypto/encryption-context';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry, KeyMaterial } from '../keys/key-record';
import { keyIdBytesHex } from '../keys/key-reference';
import { keyMaterialId } from './material-id';
import type { KeyLocator } from '../pkcs11/token-api';
import { assertKeyUsage, assertUsable } from './key-use';
import type { OperationContext } from './operation';
import { asBuffer } from '../pkcs11/bytes';

const invalidCiphertext = (): KmsError =>
  new KmsError(
    'InvalidCiphertextException',
    'The ciphertext is not valid: it was not made by this gateway, was changed, or the encryption context differs.',
  );

/** AWS KMS's own wording, as it answers a ciphertext under another key than the one named. */
const incorrectKey = (): KmsError =>
  new KmsError(
    'IncorrectKeyException',
    'The key ID in the request does not identify a CMK that can perform this operation.',
  );

/** Where a material's AES key object is: the first material is the key's own object. */
export function materialLocator(key: KeyEntry, material: KeyMaterial): KeyLocator {
  return material.materialId === key.record.keyId
    ? key.record.locator
    : { idHex: keyIdBytesHex(material.materialId) };
}

/** Refuses keys that are not usable SYMMETRIC_DEFAULT encryption keys. */
export function assertSymmetricKey(key: KeyEntry): void {
  assertUsable(key);
  assertKeyUsage(key, 'ENCRYPT_DECRYPT', 'symmetric encryption');
  if (key.record.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${key.arn} is a ${key.record.keySpec} key; this operation needs a SYMMETRIC_DEFAULT key.`,
    );
  }
}

/** A plaintext and, for a symmetric ciphertext, the material that opened it. */
export interface Opened {
  readonly plaintext: Buffer;
  readonly keyMaterialId?: string;
}

/** A blob and the material that sealed it, as KeyMaterialId reports it. */
export interface SealedBlob {
  readonly blob: Buffer;
  readonly keyMaterialId: string;
}

/** Encrypts `plaintext` under the key's newest material. */
export async function sealWithKey(
  key: KeyEntry,
  plaintext: Buffer,
  context: EncryptionContext | undefined,
  ctx: OperationContext,
): Promise<SealedBlob> {
  const materials = key.record.materials ?? [];
  const material = materials[materials.length - 1];
  if (!material) throw new KmsError('KMSInvalidStateException', `${key.arn} has no key material.`);
  const iv = randomBytes(GCM_IV_BYTES);
  const header = { keyId: key.record.keyId, materialId: material.materialId };
  const aad = blobAad(encodeHeader(header), context);
  const sealed = await ctx.token.encrypt(
    materialLocator(key, material),
    gcmMechanism(iv, aad),
    plaintext,
  );
  return {
    blob: encodeBlob(header, iv, asBuffer(sealed)),
    keyMaterialId: keyMaterialId(material.materialId),
  };
}

/** The blob's parts, or InvalidCiphertextException. */
export function parseBlob(blob: Buffer): DecodedBlob {
  const decoded = decodeBlob(blob);
  if (!decoded) throw invalidCiphertext();
  return decoded;
}

/**
 * The key a blob names. With `keyId` (Decrypt's optional KeyId) the key must be that one, else
 * IncorrectKeyException; without it, a key this gateway does not know makes the blob invalid,
 * once the store has been read again (another replica may have created the key a moment ago).
 * Both lookups go through the catalog's own checks (KeyUnavailableException while the metadata
 * store is unusable).
 */
export async function blobKey(
  decoded: DecodedBlob,
  keyId: string | undefined,
  ctx: OperationContext,
): Promise<KeyEntry> {
  if (keyId !== undefined) {
    const key = ctx.catalog.resolve(keyId);
    if (key.record.keyId !== decoded.header.keyId) throw incorrectKey();
    return key;
  }
  const find = (): KeyEntry | null => {
    try {
      return ctx.catalog.resolve(decoded.header.keyId);
    } catch (err) {
      if (err instanceof KmsError && err.name === 'NotFoundException') return null;
      throw err;
    }
  };
  const known = find();
  if (known) return known;
  await ctx.store.refresh();
  const key = find();
  if (!key) throw invalidCiphertext();
  return key;
}

/** Decrypts a parsed blob under `key` (checked with assertSymmetricKey first). */
export async function openBlob(
  key: KeyEntry,
  decoded: DecodedBlob,
  context: EncryptionContext | undefined,
  ctx: OperationContext,
): Promise<Opened> {
  let current = key;
  let material = findMaterial(current, decoded.header.materialId);
  if (!material) {
    // Another process may have rotated the key a moment ago: read its changes once, then decide.
    await ctx.store.refresh();
    current = ctx.catalog.resolve(key.record.keyId);
    // The newest record is the one that counts: disabled meanwhile means disabled now.
    assertSymmetricKey(current);
    material = findMaterial(current, decoded.header.materialId);
    if (!material) throw invalidCiphertext();
  }
  const aad = blobAad(decoded.headerBytes, context);
  const plaintext = await ctx.token.decrypt(
    materialLocator(current, material),
    gcmMechanism(decoded.iv, aad),
    decoded.sealed,
  );
  if (!plaintext) throw invalidCiphertext();
  return { plaintext: asBuffer(plaintext), keyMaterialId: keyMaterialId(material.materialId) };
}

function findMaterial(key: KeyEntry, materialId: string): KeyMaterial | undefined {
  return key.record.materials?.find((m) => m.materialId === materialId);
}
