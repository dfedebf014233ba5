// Public keys as read from the token (CKA_MODULUS/CKA_PUBLIC_EXPONENT or CKA_EC_PARAMS/CKA_EC_POINT)
// and as KMS returns them: DER SubjectPublicKeyInfo.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { DER_NULL, derBitString, derSequence, derUnsignedInteger, readDer } from './der';

export type PublicKeyMaterial =
  | { readonly kind: 'rsa'; readonly modulus: Uint8Array; readonly exponent: Uint8Array }
  | { readonly kind: 'ec' | 'edwards'; readonly curveOidDer: string; readonly point: Uint8Array };

const OID_RSA_ENCRYPTION = Buffer.from('06092a864886f70d010101', 'hex');
const OID_EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');

/**
 * CKA_EC_POINT is specified as a DER OCTET STRING, but some tokens return the bare point.
 * Returns the bare point either way.
 */
export function unwrapEcPoint(value: Buffer, expectedLength: number): Buffer {
  if (value.length === expectedLength) return value;
  const el = readDer(value, 0);
  if (el && el.tag === 0x04 && el.end === value.length && el.content.length === expectedLength) {
    return el.content;
  }
  throw new Error(`unexpected CKA_EC_POINT encoding (${value.length} bytes)`);
}

export function spkiDer(material: PublicKeyMaterial): Buffer {
  switch (material.kind) {
    case 'rsa': {
      const rsaPublicKey = derSequence(
        derUnsignedInteger(Buffer.from(material.modulus)),
        derUnsignedInteger(Buffer.from(material.exponent)),
      );
      return derSequence(derSequence(OID_RSA_ENCRYPTION, DER_NULL), derBitString(rsaPublicKey));
    }
    case 'ec':
      return derSequence(
        derSequence(OID_EC_PUBLIC_KEY, Buffer.from(material.curveOidDer, 'hex')),
        derBitString(Buffer.from(material.point)),
      );
    case 'edwards':
      // RFC 8410: the algorithm identifier is the curve OID alone, no parameters.
      return derSequence(
        derSequence(Buffer.from(material.curveOidDer, 'hex')),
        derBitString(Buffer.from(material.point)),
      );
  }
}

/** The size a signature's halves depend on: RSA modulus bytes, or EC field element bytes. */
export function keyShape(material: PublicKeyMaterial): { sizeBytes: number } {
  if (material.kind === 'rsa') {
    let n = material.modulus.length;
    for (let i = 0; i < material.modulus.length && material.modulus[i] === 0; i++) n--;
    return { sizeBytes: n };
  }
  if (material.kind === 'edwards') return { sizeBytes: material.point.length };
  return { sizeBytes: (material.point.length - 1) / 2 };
}

export function nodePublicKey(spki: Buffer): KeyObject {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}
