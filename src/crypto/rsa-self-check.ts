// Pairwise consistency checks of RSA signatures against the public key, over exactly the bytes
// the token signed. A faulty CRT computation inside an HSM yields a signature that fails here,
// and such a signature would let anyone factor the modulus: it must never leave (DESIGN §6).

import { constants, createHash, publicDecrypt, type KeyObject } from 'node:crypto';

/** PKCS#1 v1.5: the signature must decrypt to exactly the DigestInfo the token was given. */
export function pkcs1Consistent(tokenInput: Buffer, signature: Buffer, key: KeyObject): boolean {
  try {
    const recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return recovered.equals(tokenInput);
  } catch {
    return false;
  }
}

function mgf1(hash: string, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length + seed.length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) of `digest` with MGF1 and salt length = hash length. */
export function pssConsistent(
  hash: 'sha256' | 'sha384' | 'sha512',
  digest: Buffer,
  signature: Buffer,
  key: KeyObject,
): boolean {
  let em: Buffer;
  try {
    em = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const modBits = (key.asymmetricKeyDetails?.modulusLength ?? em.length * 8) - 1;
  const emLen = Math.ceil(modBits / 8);
  em = em.subarray(em.length - emLen);
  const hLen = digest.length;
  const sLen = hLen;
  if (emLen < hLen + sLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const zeroBits = 8 * emLen - modBits;
  if ((maskedDb[0] as number) >> (8 - zeroBits) !== 0) return false;
  const db = Buffer.from(mgf1(hash, h, maskedDb.length).map((m, i) => m ^ (maskedDb[i] as number)));
  db[0] = (db[0] as number) & (0xff >> zeroBits);
  const psLen = emLen - hLen - sLen - 2;
  if (!db.subarray(0, psLen).every((b) => b === 0) || db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const expected = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  return expected.equals(h);
}
