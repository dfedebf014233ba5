// EME-OAEP encoding and decoding (RFC 8017 §7.1.1 step 2, §7.1.2 step 3) with MGF1 and an
// empty label. The gateway pads and unpads itself around the token's raw RSA (CKM_RSA_X_509)
// because SoftHSM 2.6.1 answers CKR_ARGUMENTS_BAD to CKM_RSA_PKCS_OAEP with SHA-256.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type OaepHash = 'sha1' | 'sha256';

const HASH_BYTES: Readonly<Record<OaepHash, number>> = { sha1: 20, sha256: 32 };

// lHash = Hash(L) for the empty label L.
const EMPTY_LABEL_HASH: Readonly<Record<OaepHash, Buffer>> = {
  sha1: createHash('sha1').digest(),
  sha256: createHash('sha256').digest(),
};

/** The longest message OAEP fits in a k-byte modulus: k − 2·hLen − 2 (negative: none fits). */
export function oaepMaxMessageBytes(modulusBytes: number, hash: OaepHash): number {
  return modulusBytes - 2 * HASH_BYTES[hash] - 2;
}

/** MGF1 (RFC 8017 B.2.1): Hash(seed ‖ counter) for counter = 0, 1, …, cut to `length`. */
function mgf1(seed: Buffer, length: number, hash: OaepHash): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let done = 0, i = 0; done < length; done += HASH_BYTES[hash], i++) {
    counter.writeUInt32BE(i, 0);
    blocks.push(createHash(hash).update(seed).update(counter).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xorInPlace(target: Buffer, mask: Buffer): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) ^ (mask[i] as number);
}

/**
 * EM = 0x00 ‖ maskedSeed ‖ maskedDB, exactly `modulusBytes` long. RangeError if the message
 * does not fit. `seed` (hLen bytes) is for known-answer tests only; it defaults to fresh random.
 */
export function oaepEncode(
  message: Buffer,
  modulusBytes: number,
  hash: OaepHash,
  seed: Buffer = randomBytes(HASH_BYTES[hash]),
): Buffer {
  const hLen = HASH_BYTES[hash];
  const max = oaepMaxMessageBytes(modulusBytes, hash);
  if (max < 0) throw new RangeError(`a ${modulusBytes}-byte modulus is too small for OAEP`);
  if (message.length > max) {
    throw new RangeError(`message too long: ${message.length} bytes, at most ${max} fit`);
  }
  if (seed.length !== hLen) throw new RangeError(`seed must be ${hLen} bytes`);

  const dbLength = modulusBytes - hLen - 1;
  // DB = lHash ‖ PS (zeros) ‖ 0x01 ‖ M
  const db = Buffer.alloc(dbLength);
  EMPTY_LABEL_HASH[hash].copy(db, 0);
  db[dbLength - message.length - 1] = 0x01;
  message.copy(db, dbLength - message.length);
  xorInPlace(db, mgf1(seed, dbLength, hash));
  const maskedSeed = Buffer.from(seed);
  xorInPlace(maskedSeed, mgf1(db, hLen, hash));
  return Buffer.concat([Buffer.from([0]), maskedSeed, db]);
}

/** 1 if a === b else 0, for bytes, without a branch. */
const byteEquals = (a: number, b: number): number => (((a ^ b) - 1) >>> 31) & 1;

/**
 * The message inside EM, or null if EM is not a valid encoding for this modulus size and hash.
 *
 * Manger's attack (2001): a decryptor that shows whether Y ≠ 0 failed decrypts any ciphertext in
 * about one query per modulus bit. So every check runs, over all of DB, folded into one bit.
 * JavaScript gives no constant-time guarantee; what we keep is that no branch, early exit or
 * return value depends on which check failed or where the separator is.
 */
export function oaepDecode(encoded: Buffer, modulusBytes: number, hash: OaepHash): Buffer | null {
  const hLen = HASH_BYTES[hash];
  // The length is public (it is the ciphertext's), so these early exits reveal nothing.
  if (oaepMaxMessageBytes(modulusBytes, hash) < 0 || encoded.length !== modulusBytes) return null;

  const seed = Buffer.from(encoded.subarray(1, 1 + hLen));
  const db = Buffer.from(encoded.subarray(1 + hLen));
  xorInPlace(seed, mgf1(db, hLen, hash));
  xorInPlace(db, mgf1(seed, db.length, hash));

  let good = byteEquals(encoded[0] as number, 0);
  good &= timingSafeEqual(db.subarray(0, hLen), EMPTY_LABEL_HASH[hash]) ? 1 : 0;

  // After lHash: zero or more 0x00, then 0x01, then M. Scan all of it, remembering the first 0x01
  // and whether any other non-zero byte came before it.
  let found = 0;
  let separator = 0;
  let stray = 0;
  for (let i = hLen; i < db.length; i++) {
    const b = db[i] as number;
    const isOne = byteEquals(b, 1);
    const isPadding = isOne | byteEquals(b, 0);
    const beforeSeparator = found ^ 1;
    separator |= -(isOne & beforeSeparator) & i; // -1 & i = i: only the first 0x01 sets it
    stray |= beforeSeparator & (isPadding ^ 1);
    found |= isOne;
  }
  good &= found & (stray ^ 1);
  return good === 1 ? db.subarray(separator + 1) : null;
}

/**
 * Raw RSA output is the integer's bytes, and some tokens drop its leading zeros: put them back
 * so the block is `modulusBytes` long, as oaepDecode wants it.
 */
export function modulusSized(bytes: Buffer, modulusBytes: number): Buffer {
  if (bytes.length >= modulusBytes) return bytes;
  return Buffer.concat([Buffer.alloc(modulusBytes - bytes.length), bytes]);
}
