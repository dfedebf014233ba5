// The signing-algorithm table: for each KMS SigningAlgorithm, which hash it uses, which message
// types it accepts, how the token input is prepared (hash in the gateway, DER DigestInfo for
// PKCS#1) and which bare PKCS#11 mechanism signs it. Handlers receive an entry from here and never
// switch on algorithm names themselves.

import { constants, createHash, verify, type KeyObject } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519';
import { CKG_MGF1, CKM } from '../pkcs11/constants';
import type { MechanismSpec } from '../pkcs11/mechanism-spec';
import { ecdsaDerToRaw, ecdsaRawToDer } from './ecdsa-signature';
import { pkcs1Consistent, pssConsistent } from './rsa-self-check';

export const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
] as const;

export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export type MessageType = 'RAW' | 'DIGEST' | 'EXTERNAL_MU';
export const MESSAGE_TYPES: readonly MessageType[] = ['RAW', 'DIGEST', 'EXTERNAL_MU'];

type Hash = 'sha256' | 'sha384' | 'sha512';

/** What a signature's wire form depends on besides the algorithm. */
export interface KeyShape {
  /** RSA modulus length or EC field element length, in bytes. */
  readonly sizeBytes: number;
}

export interface SigningAlgorithmEntry {
  readonly name: SigningAlgorithm;
  readonly messageTypes: readonly MessageType[];
  /** Length a DIGEST message must have; null where DIGEST is not accepted. */
  readonly digestLength: number | null;
  /** The bare mechanism the token runs, or why no token here can. */
  readonly mechanism: MechanismSpec | { unavailable: string };
  /** Turns the client's message (RAW or DIGEST) into the bytes handed to C_Sign/C_Verify. */
  tokenInput(message: Buffer, messageType: MessageType): Buffer;
  /** Token signature → the bytes KMS returns. */
  encodeSignature(raw: Buffer, key: KeyShape): Buffer;
  /** KMS signature → token form, or null when it cannot be a valid signature for this key. */
  decodeSignature(wire: Buffer, key: KeyShape): Buffer | null;
  /** Checks a KMS-form signature over a RAW message without the token (self-checks, tests). */
  verifyRaw(message: Buffer, key: KeyObject, signature: Buffer): boolean;
  /**
   * RSA only: checks the token's signature over exactly the token input, before it is returned
   * (a faulty CRT signature would leak the private key).
   */
  readonly selfCheck?: (tokenInput: Buffer, signature: Buffer, key: KeyObject) => boolean;
}

// DER DigestInfo prefixes (RFC 8017 §9.2 note 1) for the hashes KMS uses.
const DIGEST_INFO_PREFIX: Record<Hash, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};
const HASH_LENGTH: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };
const HASH_MECHANISM: Record<Hash, number> = {
  sha256: CKM.SHA256,
  sha384: CKM.SHA384,
  sha512: CKM.SHA512,
};
const MGF1: Record<Hash, number> = {
  sha256: CKG_MGF1.SHA256,
  sha384: CKG_MGF1.SHA384,
  sha512: CKG_MGF1.SHA512,
};

function rawEd25519PublicKey(key: KeyObject): Buffer {
  const spki = key.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32);
}

function digestOf(hash: Hash, message: Buffer, messageType: MessageType): Buffer {
  return messageType === 'DIGEST' ? message : createHash(hash).update(message).digest();
}

const asIs = (raw: Buffer): Buffer => raw;
const exactLength = (wire: Buffer, key: KeyShape): Buffer | null =>
  wire.length === key.sizeBytes ? wire : null;

function pkcs1(name: SigningAlgorithm, hash: Hash): SigningAlgorithmEntry {
  return {
    name,
    messageTypes: ['RAW', 'DIGEST'],
    digestLength: HASH_LENGTH[hash],
    mechanism: { mechanism: CKM.RSA_PKCS },
    tokenInput: (m, t) => Buffer.concat([DIGEST_INFO_PREFIX[hash], digestOf(hash, m, t)]),
    encodeSignature: asIs,
    decodeSignature: exactLength,
    verifyRaw: (m, key, sig) => verify(hash, m, { key, padding: constants.RSA_PKCS1_PADDING }, sig),
    selfCheck: pkcs1Consistent,
  };
}

function pss(name: SigningAlgorithm, hash: Hash): SigningAlgorithmEntry {
  return {
    name,
    messageTypes: ['RAW', 'DIGEST'],
    digestLength: HASH_LENGTH[hash],
    // KMS uses a salt as long as the hash and MGF1 with the same hash.
    mechanism: {
      mechanism: CKM.RSA_PKCS_PSS,
      pss: { hashAlg: HASH_MECHANISM[hash], mgf: MGF1[hash], saltLen: HASH_LENGTH[hash] },
    },
    tokenInput: (m, t) => digestOf(hash, m, t),
    encodeSignature: asIs,
    decodeSignature: exactLength,
    verifyRaw: (m, key, sig) =>
      verify(
        hash,
        m,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[hash] },
        sig,
      ),
    selfCheck: (input, sig, key) => pssConsistent(hash, input, sig, key),
  };
}

function ecdsa(name: SigningAlgorithm, hash: Hash): SigningAlgorithmEntry {
  return {
    name,
    messageTypes: ['RAW', 'DIGEST'],
    digestLength: HASH_LENGTH[hash],
    mechanism: { mechanism: CKM.ECDSA },
    tokenInput: (m, t) => digestOf(hash, m, t),
    encodeSignature: (raw) => ecdsaRawToDer(raw),
    decodeSignature: (wire, key) => ecdsaDerToRaw(wire, key.sizeBytes),
    verifyRaw: (m, key, sig) => verify(hash, m, { key, dsaEncoding: 'der' }, sig),
  };
}

function unavailable(name: SigningAlgorithm, why: string): SigningAlgorithmEntry {
  const refuse = (): never => {
    throw new Error(`${name} has no mechanism here`);
  };
  return {
    name,
    messageTypes: name === 'ML_DSA_SHAKE_256' ? ['RAW', 'EXTERNAL_MU'] : ['RAW', 'DIGEST'],
    digestLength: name === 'ML_DSA_SHAKE_256' ? 64 : 32,
    mechanism: { unavailable: why },
    tokenInput: refuse,
    encodeSignature: refuse,
    decodeSignature: refuse,
    verifyRaw: refuse,
  };
}

export const SIGNING_ALGORITHM_TABLE: Readonly<Record<SigningAlgorithm, SigningAlgorithmEntry>> = {
  RSASSA_PSS_SHA_256: pss('RSASSA_PSS_SHA_256', 'sha256'),
  RSASSA_PSS_SHA_384: pss('RSASSA_PSS_SHA_384', 'sha384'),
  RSASSA_PSS_SHA_512: pss('RSASSA_PSS_SHA_512', 'sha512'),
  RSASSA_PKCS1_V1_5_SHA_256: pkcs1('RSASSA_PKCS1_V1_5_SHA_256', 'sha256'),
  RSASSA_PKCS1_V1_5_SHA_384: pkcs1('RSASSA_PKCS1_V1_5_SHA_384', 'sha384'),
  RSASSA_PKCS1_V1_5_SHA_512: pkcs1('RSASSA_PKCS1_V1_5_SHA_512', 'sha512'),
  ECDSA_SHA_256: ecdsa('ECDSA_SHA_256', 'sha256'),
  ECDSA_SHA_384: ecdsa('ECDSA_SHA_384', 'sha384'),
  ECDSA_SHA_512: ecdsa('ECDSA_SHA_512', 'sha512'),
  // Pure Ed25519 hashes inside the signature scheme: the token gets the message itself.
  ED25519_SHA_512: {
    name: 'ED25519_SHA_512',
    messageTypes: ['RAW'],
    digestLength: null,
    mechanism: { mechanism: CKM.EDDSA },
    tokenInput: (m) => m,
    encodeSignature: asIs,
    decodeSignature: (wire) => (wire.length === 64 ? wire : null),
    verifyRaw: (m, key, sig) => verify(null, m, key, sig),
  },
  // Ed25519ph (RFC 8032 §5.1): the client sends SHA-512(message); the token signs that prehash.
  ED25519_PH_SHA_512: {
    name: 'ED25519_PH_SHA_512',
    messageTypes: ['DIGEST'],
    digestLength: 64,
    mechanism: { mechanism: CKM.EDDSA, eddsa: { prehash: true } },
    tokenInput: (m) => m,
    encodeSignature: asIs,
    decodeSignature: (wire) => (wire.length === 64 ? wire : null),
    // node:crypto has no Ed25519ph; noble's implementation applies the SHA-512 prehash itself.
    verifyRaw: (m, key, sig) => ed25519ph.verify(sig, m, rawEd25519PublicKey(key)),
  },
  SM2DSA: unavailable('SM2DSA', 'a token with a vendor SM2 mechanism configured'),
  ML_DSA_SHAKE_256: unavailable('ML_DSA_SHAKE_256', 'a PKCS#11 3.2 token with CKM_ML_DSA'),
};

export function isSigningAlgorithm(value: string): value is SigningAlgorithm {
  return Object.prototype.hasOwnProperty.call(SIGNING_ALGORITHM_TABLE, value);
}
