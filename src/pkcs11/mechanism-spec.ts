// A mechanism described as plain data, so it can cross from the HTTP thread to the PKCS#11
// thread by structured clone. mechanism-params.ts turns it into what pkcs11js expects.

export interface MechanismSpec {
  readonly mechanism: number;
  /** CK_RSA_PKCS_PSS_PARAMS. */
  readonly pss?: { readonly hashAlg: number; readonly mgf: number; readonly saltLen: number };
  /** CK_EDDSA_PARAMS (PKCS#11 3.0) without a context string. */
  readonly eddsa?: { readonly prehash: boolean };
  /** CK_GCM_PARAMS: the IV and additional data of one AES-GCM call, and the tag length. */
  readonly gcm?: { readonly iv: Uint8Array; readonly aad: Uint8Array; readonly tagBits: number };
  /** CK_RSA_PKCS_OAEP_PARAMS with an empty label, as KMS uses. */
  readonly oaep?: { readonly hashAlg: number; readonly mgf: number };
}
