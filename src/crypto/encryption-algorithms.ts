// The encryption-algorithm table: each KMS EncryptionAlgorithm, the mechanism that runs it in the
// token, and the plaintext limit it sets. SYMMETRIC_DEFAULT is AES-256-GCM under QKMS's own
// ciphertext format (ciphertext-blob.ts); the RSAES_OAEP ones are plain OAEP ciphertexts, as KMS
// returns them, so a ciphertext made offline with the public key decrypts here and back.

import { CKG_MGF1, CKM } from '../pkcs11/constants';
import type { MechanismSpec } from '../pkcs11/mechanism-spec';

export const ENCRYPTION_ALGORITHMS = [
  'SYMMETRIC_DEFAULT',
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

/** Plaintext limit of SYMMETRIC_DEFAULT, as in KMS. */
export const SYMMETRIC_PLAINTEXT_MAX_BYTES = 4096;
/** AES-GCM's IV and tag, as QKMS uses it. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BITS = 128;

export interface RsaOaepEntry {
  readonly name: EncryptionAlgorithm;
  readonly kind: 'rsa-oaep';
  /** node:crypto's name for the OAEP hash (and MGF1's), for the gateway's padding and checks. */
  readonly hash: 'sha1' | 'sha256';
  readonly hashBytes: number;
  /** OAEP inside the token: preferred where the capability probe proves it. */
  readonly tokenOaep: MechanismSpec;
  /** Raw RSA, with OAEP done in the gateway: where the token lacks OAEP with this hash. */
  readonly rawRsa: MechanismSpec;
}

export interface SymmetricEntry {
  readonly name: EncryptionAlgorithm;
  readonly kind: 'aes-gcm';
  readonly mechanism: number;
}

export type EncryptionAlgorithmEntry = RsaOaepEntry | SymmetricEntry;

function oaep(
  name: EncryptionAlgorithm,
  hash: RsaOaepEntry['hash'],
  hashBytes: number,
  hashAlg: number,
  mgf: number,
): RsaOaepEntry {
  return {
    name,
    kind: 'rsa-oaep',
    hash,
    hashBytes,
    tokenOaep: { mechanism: CKM.RSA_PKCS_OAEP, oaep: { hashAlg, mgf } },
    rawRsa: { mechanism: CKM.RSA_X_509 },
  };
}

export const ENCRYPTION_ALGORITHM_TABLE: Readonly<
  Record<EncryptionAlgorithm, EncryptionAlgorithmEntry>
> = {
  SYMMETRIC_DEFAULT: { name: 'SYMMETRIC_DEFAULT', kind: 'aes-gcm', mechanism: CKM.AES_GCM },
  RSAES_OAEP_SHA_1: oaep('RSAES_OAEP_SHA_1', 'sha1', 20, CKM.SHA_1, CKG_MGF1.SHA1),
  RSAES_OAEP_SHA_256: oaep('RSAES_OAEP_SHA_256', 'sha256', 32, CKM.SHA256, CKG_MGF1.SHA256),
};

/** The longest plaintext RSAES_OAEP takes with a modulus of `modulusBytes` (RFC 8017 §7.1.1). */
export function oaepPlaintextLimit(entry: RsaOaepEntry, modulusBytes: number): number {
  return modulusBytes - 2 * entry.hashBytes - 2;
}

/** The AES-GCM call of one symmetric encryption or decryption. */
export function gcmMechanism(iv: Uint8Array, aad: Uint8Array): MechanismSpec {
  return { mechanism: CKM.AES_GCM, gcm: { iv, aad, tagBits: GCM_TAG_BITS } };
}
