// The cases the bench measures: one per key spec and signing algorithm the issue names. Each
// says what QKMS is asked (Sign request members) and what the token receives for it, computed
// exactly as QKMS prepares it (src/crypto/signing-algorithms.ts): the digest for ECDSA and PSS,
// the DER DigestInfo for PKCS#1, the message itself for pure Ed25519.

import { createHash } from 'node:crypto';

/** The message every case signs; DIGEST cases send its hash, so the token gets the same bytes. */
export const MESSAGE = Buffer.from('QKMS benchmark message: what the gateway costs on top.');

// DER DigestInfo prefixes of RFC 8017 §9.2, note 1.
const DIGEST_INFO = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

const digest = (hash) => createHash(hash).update(MESSAGE).digest();

/**
 * @typedef {object} BenchCase
 * @property {string} name        table row name
 * @property {string} keySpec     KMS KeySpec for CreateKey
 * @property {string} algorithm   KMS SigningAlgorithm
 * @property {'RAW'|'DIGEST'} messageType
 * @property {Buffer} message     what the Sign request carries
 * @property {string} mechanism   p11loop mechanism name (bench/native/p11loop.c)
 * @property {Buffer} tokenInput  the bytes QKMS hands to C_Sign
 * @property {boolean} tokenBound issue target: 0.9 × native (true) or 0.5 × native (false)
 */

/** @returns {BenchCase} */
function rsaPkcs1(name, keySpec) {
  const d = digest('sha256');
  return {
    name, keySpec, algorithm: 'RSASSA_PKCS1_V1_5_SHA_256', messageType: 'DIGEST', message: d,
    mechanism: 'rsa-pkcs', tokenInput: Buffer.concat([Buffer.from(DIGEST_INFO.sha256, 'hex'), d]),
    tokenBound: true,
  };
}

/** @returns {BenchCase} */
function ecdsa(name, keySpec, hash, tokenBound) {
  const d = digest(hash);
  return {
    name, keySpec, algorithm: `ECDSA_SHA_${hash.slice(3)}`, messageType: 'DIGEST', message: d,
    mechanism: 'ecdsa', tokenInput: d, tokenBound,
  };
}

/** @type {BenchCase[]} */
export const CASES = [
  rsaPkcs1('RSA_2048 PKCS1', 'RSA_2048'),
  {
    name: 'RSA_2048 PSS', keySpec: 'RSA_2048', algorithm: 'RSASSA_PSS_SHA_256',
    messageType: 'DIGEST', message: digest('sha256'), mechanism: 'rsa-pss-sha256',
    tokenInput: digest('sha256'), tokenBound: true,
  },
  rsaPkcs1('RSA_4096 PKCS1', 'RSA_4096'),
  ecdsa('ECC_NIST_P256', 'ECC_NIST_P256', 'sha256', false),
  ecdsa('ECC_NIST_P384', 'ECC_NIST_P384', 'sha384', true),
  ecdsa('ECC_NIST_P521', 'ECC_NIST_P521', 'sha512', true),
  ecdsa('ECC_SECG_P256K1', 'ECC_SECG_P256K1', 'sha256', true),
  {
    // Pure Ed25519 takes RAW messages only; the token hashes inside the scheme.
    name: 'Ed25519', keySpec: 'ECC_NIST_EDWARDS25519', algorithm: 'ED25519_SHA_512',
    messageType: 'RAW', message: MESSAGE, mechanism: 'eddsa', tokenInput: MESSAGE,
    tokenBound: false,
  },
];

/** The Sign request body for a case and key, byte for byte what the load generator sends. */
export function signBody(benchCase, keyId) {
  return Buffer.from(
    JSON.stringify({
      KeyId: keyId,
      Message: benchCase.message.toString('base64'),
      MessageType: benchCase.messageType,
      SigningAlgorithm: benchCase.algorithm,
    }),
  );
}
