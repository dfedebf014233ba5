// The key-spec table: what each KMS KeySpec is, how its key pair is generated in the token and
// which signing algorithms it allows. Together with signing-algorithms.ts it is the only place
// that knows about algorithm names.

import type { MacAlgorithm } from './mac-algorithms';
import type { SigningAlgorithm } from './signing-algorithms';

export type KeyGeneration =
  | { kind: 'rsa'; bits: number }
  | { kind: 'ec'; curveOidDer: string }
  | { kind: 'edwards'; curveOidDer: string }
  | { kind: 'secret'; bytes: number }
  | { kind: 'unavailable'; capability: string };

export interface KeySpecEntry {
  readonly name: KeySpec;
  readonly keyUsage: 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';
  readonly generation: KeyGeneration;
  readonly signingAlgorithms: readonly SigningAlgorithm[];
  readonly macAlgorithms: readonly MacAlgorithm[];
  /** Whether AWS still reports the deprecated CustomerMasterKeySpec for this spec. */
  readonly legacyCustomerMasterKeySpec: boolean;
}

export const KEY_SPECS = [
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
    name,
    keyUsage: 'SIGN_VERIFY',
    generation: { kind: 'rsa', bits },
    signingAlgorithms: RSA_ALGORITHMS,
    macAlgorithms: [],
    legacyCustomerMasterKeySpec: true,
  };
}

function ec(name: KeySpec, curveOidDer: string, algorithm: SigningAlgorithm): KeySpecEntry {
  return {
    name,
    keyUsage: 'SIGN_VERIFY',
    generation: { kind: 'ec', curveOidDer },
    signingAlgorithms: [algorithm],
    macAlgorithms: [],
    legacyCustomerMasterKeySpec: true,
  };
}

function missing(name: KeySpec, algorithm: SigningAlgorithm, capability: string): KeySpecEntry {
  return {
    name,
    keyUsage: 'SIGN_VERIFY',
    generation: { kind: 'unavailable', capability },
    signingAlgorithms: [algorithm],
    macAlgorithms: [],
    legacyCustomerMasterKeySpec: name === 'SM2',
  };
}

const ML_DSA = 'a PKCS#11 3.2 token with CKM_ML_DSA';

/** HMAC keys are as long as the hash output, as in AWS KMS. */
function hmac(name: KeySpec, bits: number, algorithm: MacAlgorithm): KeySpecEntry {
  return {
    name,
    keyUsage: 'GENERATE_VERIFY_MAC',
    generation: { kind: 'secret', bytes: bits / 8 },
    signingAlgorithms: [],
    macAlgorithms: [algorithm],
    legacyCustomerMasterKeySpec: true,
  };
}

export const KEY_SPEC_TABLE: Readonly<Record<KeySpec, KeySpecEntry>> = {
  RSA_2048: rsa('RSA_2048', 2048),
  RSA_3072: rsa('RSA_3072', 3072),
  RSA_4096: rsa('RSA_4096', 4096),
  ECC_NIST_P256: ec('ECC_NIST_P256', OID_P256, 'ECDSA_SHA_256'),
  ECC_NIST_P384: ec('ECC_NIST_P384', OID_P384, 'ECDSA_SHA_384'),
  ECC_NIST_P521: ec('ECC_NIST_P521', OID_P521, 'ECDSA_SHA_512'),
  ECC_SECG_P256K1: ec('ECC_SECG_P256K1', OID_SECP256K1, 'ECDSA_SHA_256'),
  ECC_NIST_EDWARDS25519: {
    name: 'ECC_NIST_EDWARDS25519',
    keyUsage: 'SIGN_VERIFY',
    generation: { kind: 'edwards', curveOidDer: OID_ED25519 },
    signingAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'],
    macAlgorithms: [],
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
