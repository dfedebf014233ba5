import { createECDH, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { derBitString, derSequence } from '../../../src/crypto/der';
import { parsePeerPublicKey } from '../../../src/crypto/ec-peer-key';

const P256 = '06082a8648ce3d030107';
const P384 = '06052b81040022';
const P521 = '06052b81040023';
const SECP256K1 = '06052b8104000a';
const EC_PUBLIC_KEY = Buffer.from('06072a8648ce3d0201', 'hex');

const CURVES = [
  ['ECC_NIST_P256', 'prime256v1', P256, 32],
  ['ECC_NIST_P384', 'secp384r1', P384, 48],
  ['ECC_NIST_P521', 'secp521r1', P521, 66],
] as const;

const NOT_SPKI = { error: 'PublicKey is not a DER-encoded SubjectPublicKeyInfo.' };
const invalidPoint = (spec: string): { error: string } => ({
  error: `PublicKey is not a valid point on curve ${spec}.`,
});

const spkiOf = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' });
function uncompressed(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
}
/** An EC SPKI around any bytes as the point. */
const ecSpki = (curveOid: string, point: Buffer): Buffer =>
  derSequence(derSequence(EC_PUBLIC_KEY, Buffer.from(curveOid, 'hex')), derBitString(point));

describe('coordinates that are not field elements (P-521, where p + x still fits in 66 bytes)', () => {
  const P = 2n ** 521n - 1n;
  const bytes = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(132, '0'), 'hex');
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
  const point = uncompressed(publicKey);
  const x = BigInt(`0x${point.subarray(1, 67).toString('hex')}`);
  const y = BigInt(`0x${point.subarray(67).toString('hex')}`);
  const yOdd = Number(y & 1n);

  it('accepts the point itself (the cases below differ from it only by p)', () => {
    expect(parsePeerPublicKey(ecSpki(P521, point), P521)).toEqual({ point });
  });

  it.each([
    ['x + p', Buffer.concat([Buffer.from([4]), bytes(x + P), bytes(y)])],
    ['y + p', Buffer.concat([Buffer.from([4]), bytes(x), bytes(y + P)])],
    ['compressed x + p', Buffer.concat([Buffer.from([2 + yOdd]), bytes(x + P)])],
  ])('refuses %s, the same point modulo p', (_what, bad) => {
    expect(parsePeerPublicKey(ecSpki(P521, bad), P521)).toEqual(invalidPoint('ECC_NIST_P521'));
  });
});

describe.each(CURVES)('parsePeerPublicKey on %s', (spec, namedCurve, oid, size) => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve });
  const point = uncompressed(publicKey);

  it('returns the uncompressed point of a node:crypto public key', () => {
    const result = parsePeerPublicKey(spkiOf(publicKey), oid);
    expect(result).toEqual({ point });
    expect(point.length).toBe(1 + 2 * size);
  });

  it('gives a point the token can agree on: ECDH with it matches node:crypto', () => {
    const ours = createECDH(namedCurve);
    ours.generateKeys();
    const peer = createECDH(namedCurve);
    peer.generateKeys();
    const spki = ecSpki(oid, peer.getPublicKey());
    const result = parsePeerPublicKey(spki, oid);
    if (!('point' in result)) throw new Error(result.error);
    expect(ours.computeSecret(result.point).equals(peer.computeSecret(ours.getPublicKey()))).toBe(
      true,
    );
  });

  it('accepts a compressed point and returns it uncompressed', () => {
    const compressed = Buffer.concat([
      Buffer.from([2 + ((point[point.length - 1] as number) & 1)]),
      point.subarray(1, 1 + size),
    ]);
    expect(parsePeerPublicKey(ecSpki(oid, compressed), oid)).toEqual({ point });
  });

  it('refuses a compressed point with the wrong parity', () => {
    // The other root is -y, a valid point too: the parity bit picks it, so it must not be ours.
    const flipped = Buffer.concat([
      Buffer.from([3 - ((point[point.length - 1] as number) & 1)]),
      point.subarray(1, 1 + size),
    ]);
    const result = parsePeerPublicKey(ecSpki(oid, flipped), oid);
    expect(result).not.toEqual({ point });
  });

  it('refuses a point off the curve (one byte of y changed)', () => {
    const off = Buffer.from(point);
    off[off.length - 1] = (off[off.length - 1] as number) ^ 1;
    expect(parsePeerPublicKey(ecSpki(oid, off), oid)).toEqual(invalidPoint(spec));
  });

  it.each([
    ['the point at infinity (00)', Buffer.from([0])],
    ['the zero point (04 ‖ 0 ‖ 0)', Buffer.concat([Buffer.from([4]), Buffer.alloc(2 * size)])],
    ['an empty point', Buffer.alloc(0)],
    ['a hybrid-form point (06/07)', Buffer.concat([Buffer.from([6]), point.subarray(1)])],
    ['a point one byte short', point.subarray(0, point.length - 1)],
    ['a point one byte long', Buffer.concat([point, Buffer.from([0])])],
    [
      'a compressed x with no point on the curve',
      Buffer.concat([Buffer.from([2]), Buffer.alloc(size, 0xff)]),
    ],
  ])('refuses %s', (_what, bad) => {
    expect(parsePeerPublicKey(ecSpki(oid, bad), oid)).toEqual(invalidPoint(spec));
  });

  it('refuses a point whose BIT STRING claims unused bits', () => {
    const spki = spkiOf(publicKey);
    const bad = Buffer.from(spki);
    bad[spki.length - point.length - 1] = 1;
    expect(parsePeerPublicKey(bad, oid)).toEqual(invalidPoint(spec));
  });

  it('refuses trailing bytes after the SubjectPublicKeyInfo', () => {
    const spki = spkiOf(publicKey);
    expect(parsePeerPublicKey(Buffer.concat([spki, Buffer.from([0])]), oid)).toEqual(NOT_SPKI);
  });

  it('refuses a non-minimal (BER) length', () => {
    const spki = spkiOf(publicKey);
    // Rewrite the outer length in the long form with one more length byte than needed.
    const body = spki.subarray(spki[1] === 0x81 ? 3 : 2);
    const ber = Buffer.concat([Buffer.from([0x30, 0x82, 0x00, body.length]), body]);
    expect(parsePeerPublicKey(ber, oid)).toEqual(NOT_SPKI);
  });
});

describe('parsePeerPublicKey refuses', () => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;

  it('a key on another curve, naming both as KMS key specs', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
    expect(parsePeerPublicKey(spkiOf(p384), P256)).toEqual({
      error: 'PublicKey is on curve ECC_NIST_P384 but the key is on curve ECC_NIST_P256.',
    });
    expect(parsePeerPublicKey(spkiOf(p256), P521)).toEqual({
      error: 'PublicKey is on curve ECC_NIST_P256 but the key is on curve ECC_NIST_P521.',
    });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    expect(parsePeerPublicKey(spkiOf(k1), P256)).toEqual({
      error: 'PublicKey is on curve ECC_SECG_P256K1 but the key is on curve ECC_NIST_P256.',
    });
  });

  it('a key on a curve QKMS does not know', () => {
    const brainpool = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).publicKey;
    expect(parsePeerPublicKey(spkiOf(brainpool), P256)).toEqual({
      error: 'PublicKey is on a curve that is not supported; the key is on curve ECC_NIST_P256.',
    });
  });

  it('an RSA or Ed25519 key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    const notEc = { error: 'PublicKey is not an elliptic curve public key.' };
    expect(parsePeerPublicKey(spkiOf(rsa), P256)).toEqual(notEc);
    expect(parsePeerPublicKey(spkiOf(ed), P256)).toEqual(notEc);
  });

  it('explicit curve parameters or none', () => {
    const explicit = derSequence(
      derSequence(EC_PUBLIC_KEY, derSequence(Buffer.from('020101', 'hex'))),
      derBitString(uncompressed(p256)),
    );
    const missing = derSequence(derSequence(EC_PUBLIC_KEY), derBitString(uncompressed(p256)));
    const named = {
      error: 'PublicKey must name its curve; explicit curve parameters are not supported.',
    };
    expect(parsePeerPublicKey(explicit, P256)).toEqual(named);
    expect(parsePeerPublicKey(missing, P256)).toEqual(named);
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['garbage', Buffer.from('not a key at all')],
    ['a bare point', Buffer.from('04' + '11'.repeat(64), 'hex')],
    ['a truncated SubjectPublicKeyInfo', Buffer.from('3059301306072a8648ce3d0201', 'hex')],
    ['a SEQUENCE of the wrong shape', derSequence(derSequence(EC_PUBLIC_KEY))],
    [
      'an OCTET STRING instead of a BIT STRING',
      derSequence(derSequence(EC_PUBLIC_KEY, Buffer.from(P256, 'hex')), Buffer.from('0400', 'hex')),
    ],
  ])('%s', (_what, input) => {
    expect(parsePeerPublicKey(input, P256)).toEqual(NOT_SPKI);
  });

  it('nothing but returns a result for random and mutated input', () => {
    const spki = spkiOf(p256);
    for (let i = 0; i < spki.length * 8; i++) {
      const bad = Buffer.from(spki);
      bad[i >> 3] = (bad[i >> 3] as number) ^ (1 << (i & 7));
      const result = parsePeerPublicKey(bad, P256);
      expect('point' in result || 'error' in result).toBe(true);
    }
  });

  it('to work for a key curve without key agreement (a programming error): it throws', () => {
    expect(() => parsePeerPublicKey(spkiOf(p256), '06032b6570')).toThrow('06032b6570');
  });
});

describe('parsePeerPublicKey on secp256k1', () => {
  it('returns the point, as for the NIST curves', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(parsePeerPublicKey(spkiOf(publicKey), SECP256K1)).toEqual({
      point: uncompressed(publicKey),
    });
  });
});
