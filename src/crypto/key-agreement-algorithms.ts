// The key-agreement table: KMS's one KeyAgreementAlgorithm, ECDH, run in the token with
// CKM_ECDH1_DERIVE and no KDF, so the shared secret is the raw x coordinate KMS returns.

import { CKM } from '../pkcs11/constants';

export const KEY_AGREEMENT_ALGORITHMS = ['ECDH'] as const;
export type KeyAgreementAlgorithm = (typeof KEY_AGREEMENT_ALGORITHMS)[number];

export interface KeyAgreementEntry {
  readonly name: KeyAgreementAlgorithm;
  readonly mechanism: number;
}

export const KEY_AGREEMENT_TABLE: Readonly<Record<KeyAgreementAlgorithm, KeyAgreementEntry>> = {
  ECDH: { name: 'ECDH', mechanism: CKM.ECDH1_DERIVE },
};
