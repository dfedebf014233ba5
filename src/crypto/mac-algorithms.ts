// The MAC-algorithm table: each KMS MacAlgorithm and the PKCS#11 HMAC mechanism that runs it.
// HMAC keys are generic secrets generated in the token; the MAC is computed there too.

import { CKM } from '../pkcs11/constants';
import type { MechanismSpec } from '../pkcs11/mechanism-spec';

export const MAC_ALGORITHMS = [
  'HMAC_SHA_224',
  'HMAC_SHA_256',
  'HMAC_SHA_384',
  'HMAC_SHA_512',
] as const;
export type MacAlgorithm = (typeof MAC_ALGORITHMS)[number];

export interface MacAlgorithmEntry {
  readonly name: MacAlgorithm;
  readonly mechanism: MechanismSpec;
  /** node:crypto's name for the hash, for independent checks. */
  readonly hash: 'sha224' | 'sha256' | 'sha384' | 'sha512';
}

export const MAC_ALGORITHM_TABLE: Readonly<Record<MacAlgorithm, MacAlgorithmEntry>> = {
  HMAC_SHA_224: { name: 'HMAC_SHA_224', mechanism: { mechanism: CKM.SHA224_HMAC }, hash: 'sha224' },
  HMAC_SHA_256: { name: 'HMAC_SHA_256', mechanism: { mechanism: CKM.SHA256_HMAC }, hash: 'sha256' },
  HMAC_SHA_384: { name: 'HMAC_SHA_384', mechanism: { mechanism: CKM.SHA384_HMAC }, hash: 'sha384' },
  HMAC_SHA_512: { name: 'HMAC_SHA_512', mechanism: { mechanism: CKM.SHA512_HMAC }, hash: 'sha512' },
};
