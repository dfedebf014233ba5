// The key-spec table: what each KMS KeySpec is, how its key is generated in the token, which
// key usages it may have and which algorithms each usage allows. Together with the algorithm
// tables (signing, MAC, encryption, key agreement) it is the only place that knows about
// algorithm names.

import type { EncryptionAlgorithm } from './encryption-algorithms';
import type { KeyAgreementAlgorithm } from './key-agreement-algorithms';
import type { MacAlgorithm } from './mac-algorithms';
import type { SigningAlgorithm } from './signing-algorithms';

export const KEY_USAGES = [
  'SIGN_VERIFY',
  'ENCRYPT_DECRYPT',
  'GENERATE_VERIFY_MAC',
  'KEY_AGREEMENT',
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export type KeyGeneration =
  | { kind: 'rsa'; bits: number }
  | { kind: 'ec'; curveOidDer: string }
  | { kind: 'edwards'; curveOidDer: string }
  /** A generic secret for HMAC. */
  | { kind: 'secret'; bytes: number }
  /** An AES key for SYMMETRIC_DEFAULT. */
  | { kind: 'aes'; bytes: number }
  | { kind: 'unavailable'; capability: string };

export interface KeySpecEntry {
  readonly name: KeySpec;
  /** The usages a key of this spec may be created with (one per key, as in KMS). */
  readonly keyUsages: readonly KeyUsage[];
  readonly generation: KeyGeneration;
  readonly signingAlgorithms: readonly SigningAlgorithm[];
  readonly macAlgorithms: readonly MacAlgorithm[];
  readonly encryptionAlgorithms: readonly EncryptionAlgorithm[];
  readonly keyAgreementAlgorithms: readonly KeyAgreementAlgorithm[];
  /** ECDH's shared secret length: the curve's field element size in bytes. */
  readonly sharedSecretBytes?: number;
  /** Whether AWS still reports the deprecated CustomerMasterKeySpec for this spec. */
  readonly legacyCustomerMasterKeySpec: boolean;
}

export const KEY_SPECS = [
  'SYMMETRIC_DEFAULT',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'ECC_NIST_EDWARDS25519',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
] as const;

export type KeySpec = (typeof KEY_SPECS)[number];

const NONE = {
  signingAlgorithms: [],
  macAlgorithms: [],
  encryptionAlgorithms: [],
  keyAgreementAlgorithms: [],
} as const;

const RSA_ALGORITHMS: readonly SigningAlgorithm[] = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
];

// Named-curve OIDs, DER-encoded as CKA_EC_PARAMS wants them.
const OID_P256 = '06082a8648ce3d030107';
const OID_P384 = '06052b81040022';
const OID_P521 = '06052b81040023';
const OID_SECP256K1 = '06052b8104000a';
const OID_ED25519 = '06032b6570';

function rsa(name: KeySpec, bits: number): KeySpecEntry {
  return {
    ...NONE,
    name,
    keyUsages: ['SIGN_VERIFY', 'ENCRYPT_DECRYPT'],
    generation: { kind: 'rsa', bits },
    signingAlgorithms: RSA_ALGORITHMS,
    encryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
    legacyCustomerMasterKeySpec: true,
  };
}

/** NIST curves also agree keys (ECDH); secp256k1 only signs, as in KMS. */
function ec(
  name: KeySpec,
  curveOidDer: string,
  algorithm: SigningAlgorithm,
  sharedSecretBytes: number | null,
): KeySpecEntry {
  return {
    ...NONE,
    name,
    keyUsages: sharedSecretBytes === null ? ['SIGN_VERIFY'] : ['SIGN_VERIFY', 'KEY_AGREEMENT'],
    generation: { kind: 'ec', curveOidDer },
    signingAlgorithms: [algorithm],
    keyAgreementAlgorithms: sharedSecretBytes === null ? [] : ['ECDH'],
    ...(sharedSecretBytes === null ? {} : { sharedSecretBytes }),
    legacyCustomerMasterKeySpec: true,
  };
}

function missing(name: KeySpec, algorithm: SigningAlgorithm, capability: string): KeySpecEntry {
  return {
    ...NONE,
    name,
    keyUsages: ['SIGN_VERIFY'],
    generation: { kind: 'unavailable', capability },
    signingAlgorithms: [algorithm],
    legacyCustomerMasterKeySpec: name === 'SM2',
  };
}

const ML_DSA = 'a PKCS#11 3.2 token with CKM_ML_DSA';

/** HMAC keys are as long as the hash output, as in AWS KMS. */
function hmac(name: KeySpec, bits: number, algorithm: MacAlgorithm): KeySpecEntry {
  return {
    ...NONE,
    name,
    keyUsages: ['GENERATE_VERIFY_MAC'],
    generation: { kind: 'secret', bytes: bits / 8 },
    macAlgorithms: [algorithm],
    legacyCustomerMasterKeySpec: true,
  };
}

export const KEY_SPEC_TABLE: Readonly<Record<KeySpec, KeySpecEntry>> = {
  SYMMETRIC_DEFAULT: {
    ...NONE,
    name: 'SYMMETRIC_DEFAULT',
    keyUsages: ['ENCRYPT_DECRYPT'],
    generation: { kind: 'aes', bytes: 32 },
    encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    legacyCustomerMasterKeySpec: true,
  },
  RSA_2048: rsa('RSA_2048', 2048),
  RSA_3072: rsa('RSA_3072', 3072),
  RSA_4096: rsa('RSA_4096', 4096),
  ECC_NIST_P256: ec('ECC_NIST_P256', OID_P256, 'ECDSA_SHA_256', 32),
  ECC_NIST_P384: ec('ECC_NIST_P384', OID_P384, 'ECDSA_SHA_384', 48),
  ECC_NIST_P521: ec('ECC_NIST_P521', OID_P521, 'ECDSA_SHA_512', 66),
  ECC_SECG_P256K1: ec('ECC_SECG_P256K1', OID_SECP256K1, 'ECDSA_SHA_256', null),
  ECC_NIST_EDWARDS25519: {
    ...NONE,
    name: 'ECC_NIST_EDWARDS25519',
    keyUsages: ['SIGN_VERIFY'],
    generation: { kind: 'edwards', curveOidDer: OID_ED25519 },
    signingAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
    legacyCustomerMasterKeySpec: false,
  },
  SM2: missing('SM2', 'SM2DSA', 'a token with a vendor SM2 mechanism configured'),
  ML_DSA_44: missing('ML_DSA_44', 'ML_DSA_SHAKE_256', ML_DSA),
  ML_DSA_65: missing('ML_DSA_65', 'ML_DSA_SHAKE_256', ML_DSA),
  ML_DSA_87: missing('ML_DSA_87', 'ML_DSA_SHAKE_256', ML_DSA),
  HMAC_224: hmac('HMAC_224', 224, 'HMAC_SHA_224'),
  HMAC_256: hmac('HMAC_256', 256, 'HMAC_SHA_256'),
  HMAC_384: hmac('HMAC_384', 384, 'HMAC_SHA_384'),
  HMAC_512: hmac('HMAC_512', 512, 'HMAC_SHA_512'),
};

export function isKeySpec(value: string): value is KeySpec {
  return Object.prototype.hasOwnProperty.call(KEY_SPEC_TABLE, value);
}

/** The key spec whose curve has this DER-encoded OID (as read from CKA_EC_PARAMS). */
export function keySpecForCurve(curveOidDer: string): KeySpec | undefined {
  return KEY_SPECS.find((spec) => {
    const gen = KEY_SPEC_TABLE[spec].generation;
    return (gen.kind === 'ec' || gen.kind === 'edwards') && gen.curveOidDer === curveOidDer;
  });
}

/** The algorithms a key of `spec` with `usage` offers, as DescribeKey lists them by usage. */
export function algorithmsFor(spec: KeySpec, usage: KeyUsage): readonly string[] {
  const entry = KEY_SPEC_TABLE[spec];
  switch (usage) {
    case 'SIGN_VERIFY':
      return entry.signingAlgorithms;
    case 'GENERATE_VERIFY_MAC':
      return entry.macAlgorithms;
    case 'ENCRYPT_DECRYPT':
      return entry.encryptionAlgorithms;
    case 'KEY_AGREEMENT':
      return entry.keyAgreementAlgorithms;
  }
}

/** Whether a key of `spec` has a public key (GetPublicKey, data key pairs). */
export function isAsymmetric(spec: KeySpec): boolean {
  const kind = KEY_SPEC_TABLE[spec].generation.kind;
  return kind !== 'secret' && kind !== 'aes';
}
