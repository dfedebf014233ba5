// Checks the peer public key of a DeriveSharedSecret request (DER SubjectPublicKeyInfo) and
// returns the uncompressed point that PKCS#11 CKM_ECDH1_DERIVE takes. Errors are
// ValidationException messages: short, and never echo key material.
//
// node:crypto (OpenSSL 3) is not enough on its own: it accepts trailing bytes, BER lengths and
// the hybrid point form, and it accepts the point at infinity (a lone 0x00) into a KeyObject whose
// JWK export then aborts the whole process (Node 20: assertion in ExportJWKEcKey). So the DER and
// the point's form are checked here first; OpenSSL then checks that the point is on the curve.
// The SPKI is never made into a KeyObject at all: only its point goes to OpenSSL.

import { ECDH } from 'node:crypto';
import { readDer } from './der';
import { ecCurve, type EcCurve } from './ec-curves';

const OID_EC_PUBLIC_KEY = '06072a8648ce3d0201';

const NOT_SPKI = 'PublicKey is not a DER-encoded SubjectPublicKeyInfo.';
const NOT_EC = 'PublicKey is not an elliptic curve public key.';
const NOT_NAMED = 'PublicKey must name its curve; explicit curve parameters are not supported.';

interface SpkiParts {
  readonly algorithmOid: string;
  /** The algorithm parameters' whole TLV, hex; '' if absent. */
  readonly parameters: string;
  readonly bitString: Buffer;
}

/** SEQUENCE { SEQUENCE { OID, params? }, BIT STRING }, strict DER, nothing trailing. */
function splitSpki(spki: Buffer): SpkiParts | null {
  const outer = readDer(spki, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== spki.length) return null;
  const body = outer.content;
  const algorithm = readDer(body, 0);
  if (!algorithm || algorithm.tag !== 0x30) return null;
  const bits = readDer(body, algorithm.end);
  if (!bits || bits.tag !== 0x03 || bits.end !== body.length) return null;
  const oid = readDer(algorithm.content, 0);
  if (!oid || oid.tag !== 0x06) return null;
  let parameters = '';
  if (oid.end < algorithm.content.length) {
    const params = readDer(algorithm.content, oid.end);
    if (!params || params.end !== algorithm.content.length) return null;
    parameters = algorithm.content.subarray(oid.end).toString('hex');
  }
  return {
    algorithmOid: algorithm.content.subarray(0, oid.end).toString('hex'),
    parameters,
    bitString: bits.content,
  };
}

/**
 * RFC 5480 §2.2: uncompressed (04) or compressed (02, 03) only, of the curve's exact length.
 * This is what keeps the point at infinity and the hybrid forms (06, 07) away from OpenSSL.
 */
function pointFormOk(point: Buffer, size: number): boolean {
  const form = point[0];
  if (form === 0x04) return point.length === 1 + 2 * size;
  if (form === 0x02 || form === 0x03) return point.length === 1 + size;
  return false;
}

function uncompressedPoint(point: Buffer, curve: EcCurve): Buffer | null {
  try {
    // OpenSSL decodes the point with EC_POINT_oct2point, which refuses points off the curve,
    // coordinates ≥ p and compressed x without a square root. Every curve here has cofactor 1,
    // so a point on the curve (and not at infinity, which pointFormOk keeps out) is in the
    // prime-order group. ECDH.convertKey does only that decoding: about a tenth of the cost of
    // a KeyObject and its JWK export, which used to cost more than the ECDH in the token.
    const out = ECDH.convertKey(point, curve.opensslName, undefined, undefined, 'uncompressed');
    const uncompressed = Buffer.isBuffer(out) ? out : Buffer.from(out, 'latin1');
    return uncompressed.length === 1 + 2 * curve.fieldBytes ? uncompressed : null;
  } catch {
    return null;
  }
}

/**
 * The peer's point, uncompressed (04 ‖ x ‖ y), if `spkiDer` is an id-ecPublicKey
 * SubjectPublicKeyInfo on the same named curve as the KMS key (`curveOidDer`, hex DER OID).
 */
export function parsePeerPublicKey(
  spkiDer: Buffer,
  curveOidDer: string,
): { point: Buffer } | { error: string } {
  const keyCurve = ecCurve(curveOidDer);
  if (!keyCurve) throw new Error(`key agreement is not supported on curve OID ${curveOidDer}`);

  const parts = splitSpki(spkiDer);
  if (!parts) return { error: NOT_SPKI };
  if (parts.algorithmOid !== OID_EC_PUBLIC_KEY) return { error: NOT_EC };
  if (!parts.parameters.startsWith('06')) return { error: NOT_NAMED };
  if (parts.parameters !== curveOidDer) {
    const peerCurve = ecCurve(parts.parameters);
    return {
      error: peerCurve
        ? `PublicKey is on curve ${peerCurve.keySpec} but the key is on curve ${keyCurve.keySpec}.`
        : `PublicKey is on a curve that is not supported; the key is on curve ${keyCurve.keySpec}.`,
    };
  }

  const invalid = { error: `PublicKey is not a valid point on curve ${keyCurve.keySpec}.` };
  const bits = parts.bitString;
  if (bits.length < 2 || bits[0] !== 0) return invalid; // no unused bits in a point
  if (!pointFormOk(bits.subarray(1), keyCurve.fieldBytes)) return invalid;
  const point = uncompressedPoint(bits.subarray(1), keyCurve);
  return point ? { point } : invalid;
}
