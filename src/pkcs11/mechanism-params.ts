// MechanismSpec (plain data) → the pkcs11js Mechanism structure.

import * as pkcs11js from 'pkcs11js';
import { CKZ_DATA_SPECIFIED } from './constants';
import type { MechanismSpec } from './mechanism-spec';
import { asBuffer } from './bytes';

// CK_EDDSA_PARAMS on LP64: CK_BBOOL phFlag, 7 bytes padding, CK_ULONG ulContextDataLen,
// CK_BYTE_PTR pContextData. No context string, so the length is 0 and the pointer NULL.
function eddsaParams(prehash: boolean): Buffer {
  const params = Buffer.alloc(24);
  params[0] = prehash ? 1 : 0;
  return params;
}

export function toPkcs11Mechanism(spec: MechanismSpec): pkcs11js.Mechanism {
  if (spec.pss) {
    const parameter: pkcs11js.RsaPSS = { type: pkcs11js.CK_PARAMS_RSA_PSS, ...spec.pss };
    return { mechanism: spec.mechanism, parameter };
  }
  if (spec.gcm) {
    const iv = asBuffer(spec.gcm.iv);
    const parameter: pkcs11js.AesGCM = {
      type: pkcs11js.CK_PARAMS_AES_GCM,
      iv,
      aad: asBuffer(spec.gcm.aad),
      ivBits: iv.length * 8,
      tagBits: spec.gcm.tagBits,
    };
    return { mechanism: spec.mechanism, parameter };
  }
  if (spec.oaep) {
    const parameter: pkcs11js.RsaOAEP = {
      type: pkcs11js.CK_PARAMS_RSA_OAEP,
      ...spec.oaep,
      source: CKZ_DATA_SPECIFIED,
    };
    return { mechanism: spec.mechanism, parameter };
  }
  if (spec.eddsa?.prehash) return { mechanism: spec.mechanism, parameter: eddsaParams(true) };
  return { mechanism: spec.mechanism };
}
