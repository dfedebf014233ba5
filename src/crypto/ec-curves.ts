// What QKMS needs to know about each named elliptic curve beyond its key spec: its name in JWK
// and in OpenSSL, and its field element size. Keyed by key spec so the curve OIDs stay in
// key-specs.ts alone.

import { keySpecForCurve, type KeySpec } from './key-specs';

export interface EcCurve {
  readonly keySpec: KeySpec;
  /** JWK `crv` (RFC 7518, and secp256k1 from RFC 8812). */
  readonly jwkCrv: 'P-256' | 'P-384' | 'P-521' | 'secp256k1';
  /** OpenSSL's name, as node:crypto createECDH wants it. */
  readonly opensslName: string;
  /** Bytes in one coordinate or in the private scalar. */
  readonly fieldBytes: number;
}

const CURVES: Partial<Record<KeySpec, Omit<EcCurve, 'keySpec'>>> = {
  ECC_NIST_P256: { jwkCrv: 'P-256', opensslName: 'prime256v1', fieldBytes: 32 },
  ECC_NIST_P384: { jwkCrv: 'P-384', opensslName: 'secp384r1', fieldBytes: 48 },
  ECC_NIST_P521: { jwkCrv: 'P-521', opensslName: 'secp521r1', fieldBytes: 66 },
  ECC_SECG_P256K1: { jwkCrv: 'secp256k1', opensslName: 'secp256k1', fieldBytes: 32 },
};

/** The Weierstrass curve with this DER-encoded OID, or undefined (Edwards curves included). */
export function ecCurve(curveOidDer: string): EcCurve | undefined {
  const keySpec = keySpecForCurve(curveOidDer);
  const curve = keySpec && CURVES[keySpec];
  return keySpec && curve ? { keySpec, ...curve } : undefined;
}

/** A big-endian number as exactly `size` bytes, or null if it does not fit. */
export function fixedWidth(value: Buffer, size: number): Buffer | null {
  let start = 0;
  while (start < value.length && value[start] === 0 && value.length - start > size) start++;
  const body = value.subarray(start);
  if (body.length > size) return null;
  return Buffer.concat([Buffer.alloc(size - body.length), body]);
}
