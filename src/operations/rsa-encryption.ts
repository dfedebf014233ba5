// Encryption under RSA keys with KeyUsage ENCRYPT_DECRYPT: plain RSAES-OAEP ciphertexts, as KMS
// returns them, so anyone with the public key can encrypt offline and QKMS decrypts. OAEP runs in
// the token where the start-up probe proved it (CKM_RSA_PKCS_OAEP); where the token lacks OAEP
// with the hash (SoftHSM 2.6.1 and SHA-256), the gateway pads (crypto/rsa-oaep.ts) around the
// token's raw RSA (CKM_RSA_X_509). The private key never leaves the token either way.

import type { KeyObject } from 'node:crypto';
import { oaepPlaintextLimit, type RsaOaepEntry } from '../crypto/encryption-algorithms';
import { KEY_SPEC_TABLE } from '../crypto/key-specs';
import { modulusSized, oaepDecode, oaepEncode } from '../crypto/rsa-oaep';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry } from '../keys/key-record';
import type { OperationContext } from './operation';
import { asBuffer } from '../pkcs11/bytes';

/**
 * AWS answers IncorrectKeyException when an RSA ciphertext does not decrypt (it cannot tell a
 * changed ciphertext from one made under another key or with the other hash); so does QKMS, and
 * with one message whatever failed, so that no answer tells OAEP's checks apart (Manger's attack).
 */
const doesNotDecrypt = (): KmsError =>
  new KmsError(
    'IncorrectKeyException',
    'The key ID in the request does not identify a CMK that can perform this operation.',
  );

/** Whether the token runs OAEP itself (encryptionPlan has already refused an unproved one). */
function tokenRunsOaep(entry: RsaOaepEntry, ctx: OperationContext): boolean {
  const capability = ctx.capabilities.encryption(entry.name);
  return capability.ok && capability.oaep === 'token';
}

async function modulusBytes(key: KeyEntry, ctx: OperationContext): Promise<number> {
  return (await ctx.catalog.publicKey(key)).shape.sizeBytes;
}

/** Each public key's modulus, big-endian, read once (the catalog caches the KeyObject). */
const moduli = new WeakMap<KeyObject, Buffer>();
function modulusOf(publicKey: KeyObject): Buffer {
  let n = moduli.get(publicKey);
  if (!n) {
    n = Buffer.from(publicKey.export({ format: 'jwk' }).n as string, 'base64url');
    moduli.set(publicKey, n);
  }
  return n;
}

/**
 * Whether a k-byte ciphertext is an integer below the modulus, as RSA needs (RFC 8017 §5.1.2);
 * the token is not asked otherwise: SoftHSM answers CKR_GENERAL_ERROR to one that is not.
 */
async function belowModulus(
  key: KeyEntry,
  ciphertext: Buffer,
  ctx: OperationContext,
): Promise<boolean> {
  const n = modulusOf((await ctx.catalog.publicKey(key)).publicKey);
  return Buffer.compare(ciphertext, modulusSized(n, ciphertext.length)) < 0;
}

/**
 * Refuses a plaintext longer than OAEP fits in this key. The limit comes from the key spec, not
 * the token, so that a DryRun answers it without using the HSM.
 */
export function assertRsaPlaintextFits(
  key: KeyEntry,
  entry: RsaOaepEntry,
  plaintext: Buffer,
): void {
  const generation = KEY_SPEC_TABLE[key.record.keySpec].generation;
  if (generation.kind !== 'rsa') throw new RangeError(`${key.record.keySpec} is not an RSA spec`);
  const limit = oaepPlaintextLimit(entry, generation.bits / 8);
  if (plaintext.length > limit) {
    throw new KmsError(
      'ValidationException',
      `Algorithm ${entry.name} and key spec ${key.record.keySpec} cannot encrypt data larger than ${limit} bytes.`,
    );
  }
}

/** RSAES-OAEP encryption (assertRsaPlaintextFits first); returns the k-byte ciphertext. */
export async function rsaEncrypt(
  key: KeyEntry,
  entry: RsaOaepEntry,
  plaintext: Buffer,
  ctx: OperationContext,
): Promise<Buffer> {
  const k = await modulusBytes(key, ctx);
  if (tokenRunsOaep(entry, ctx)) {
    return modulusSized(
      asBuffer(await ctx.token.encrypt(key.record.locator, entry.tokenOaep, plaintext)),
      k,
    );
  }
  const encoded = oaepEncode(plaintext, k, entry.hash);
  return modulusSized(
    asBuffer(await ctx.token.encrypt(key.record.locator, entry.rawRsa, encoded)),
    k,
  );
}

/** RSAES-OAEP decryption; IncorrectKeyException for any ciphertext that does not decrypt. */
export async function rsaDecrypt(
  key: KeyEntry,
  entry: RsaOaepEntry,
  ciphertext: Buffer,
  ctx: OperationContext,
): Promise<Buffer> {
  const k = await modulusBytes(key, ctx);
  // A ciphertext is exactly k bytes; anything else would reach the token as a length error.
  if (ciphertext.length !== k || !(await belowModulus(key, ciphertext, ctx)))
    throw doesNotDecrypt();
  if (tokenRunsOaep(entry, ctx)) {
    const out = await ctx.token.decrypt(key.record.locator, entry.tokenOaep, ciphertext);
    if (!out) throw doesNotDecrypt();
    return asBuffer(out);
  }
  const raw = await ctx.token.decrypt(key.record.locator, entry.rawRsa, ciphertext);
  if (!raw) throw doesNotDecrypt();
  const message = oaepDecode(modulusSized(asBuffer(raw), k), k, entry.hash);
  if (!message) throw doesNotDecrypt();
  return Buffer.from(message);
}
