// DER PKCS#8 PrivateKeyInfo from the raw components a PKCS#11 token returns for an extractable
// session key (CKA_MODULUS … CKA_COEFFICIENT, or CKA_EC_PARAMS/CKA_VALUE/CKA_EC_POINT), as
// GenerateDataKeyPair returns the private key. node:crypto does the ASN.1 via JWK.

import { createECDH, createPrivateKey, type JsonWebKey } from 'node:crypto';
import { ecCurve, fixedWidth } from './ec-curves';
import { unwrapEcPoint } from './public-key';

export interface RsaPrivateComponents {
  readonly kind: 'rsa';
  readonly modulus: Buffer;
  readonly publicExponent: Buffer;
  readonly privateExponent: Buffer;
  readonly prime1: Buffer;
  readonly prime2: Buffer;
  readonly exponent1: Buffer;
  readonly exponent2: Buffer;
  readonly coefficient: Buffer;
}

export interface EcPrivateComponents {
  readonly kind: 'ec';
  /** Hex of the DER curve OID (CKA_EC_PARAMS), as in key-specs.ts. */
  readonly curveOidDer: string;
  /** CKA_VALUE: the private scalar, big endian, any leading zeros. */
  readonly privateValue: Buffer;
  /** CKA_EC_POINT: 04 ‖ x ‖ y, bare or wrapped in a DER OCTET STRING. */
  readonly point: Buffer;
}

export type PrivateKeyComponents = RsaPrivateComponents | EcPrivateComponents;

/** JWK's Base64urlUInt: the minimal big-endian bytes (RFC 7518 §2). */
function uint(value: Buffer): string {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  return value.subarray(start).toString('base64url');
}

const bigint = (value: Buffer): bigint => BigInt(`0x${value.toString('hex') || '0'}`);

function rsaJwk(c: RsaPrivateComponents): JsonWebKey {
  // node:crypto imports a JWK without checking that its parts belong together; a token bug
  // would otherwise hand the client a private key that does not match the public one.
  if (bigint(c.modulus) !== bigint(c.prime1) * bigint(c.prime2)) {
    throw new Error('RSA private key components are inconsistent: modulus ≠ prime1 · prime2');
  }
  return {
    kty: 'RSA',
    n: uint(c.modulus),
    e: uint(c.publicExponent),
    d: uint(c.privateExponent),
    p: uint(c.prime1),
    q: uint(c.prime2),
    dp: uint(c.exponent1),
    dq: uint(c.exponent2),
    qi: uint(c.coefficient),
  };
}

function ecJwk(c: EcPrivateComponents): JsonWebKey {
  const curve = ecCurve(c.curveOidDer);
  if (!curve) throw new Error(`no PKCS#8 export for curve OID ${c.curveOidDer}`);
  const size = curve.fieldBytes;
  const point = unwrapEcPoint(c.point, 1 + 2 * size);
  if (point[0] !== 0x04) throw new Error('CKA_EC_POINT is not an uncompressed point');
  // JWK `d` is exactly the field size (RFC 7518 §6.2.2.1); tokens drop or add leading zeros.
  const d = fixedWidth(c.privateValue, size);
  if (!d) throw new Error(`EC private value is longer than ${size} bytes`);
  // As for RSA, node:crypto would accept a `d` that does not match x and y.
  const derived = createECDH(curve.opensslName);
  derived.setPrivateKey(d);
  if (!derived.getPublicKey().equals(point)) {
    throw new Error('EC private key components are inconsistent: point ≠ d·G');
  }
  return {
    kty: 'EC',
    crv: curve.jwkCrv,
    d: d.toString('base64url'),
    x: point.subarray(1, 1 + size).toString('base64url'),
    y: point.subarray(1 + size).toString('base64url'),
  };
}

/** The PKCS#8 DER encoding of the private key; throws if the components do not fit together. */
export function privateKeyPkcs8(components: PrivateKeyComponents): Buffer {
  const jwk = components.kind === 'rsa' ? rsaJwk(components) : ecJwk(components);
  return createPrivateKey({ format: 'jwk', key: jwk }).export({ format: 'der', type: 'pkcs8' });
}
