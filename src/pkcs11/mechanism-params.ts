// MechanismSpec (plain data) → the pkcs11js Mechanism structure.

import * as pkcs11js from 'pkcs11js';
import type { MechanismSpec } from './mechanism-spec';

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
  if (spec.eddsa?.prehash) return { mechanism: spec.mechanism, parameter: eddsaParams(true) };
  return { mechanism: spec.mechanism };
}
