import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  keyShape,
  nodePublicKey,
  spkiDer,
  unwrapEcPoint,
  type PublicKeyMaterial,
} from '../../../src/crypto/public-key';
import { KEY_SPEC_TABLE } from '../../../src/crypto/key-specs';

const b64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

function curveOid(spec: keyof typeof KEY_SPEC_TABLE): string {
  const gen = KEY_SPEC_TABLE[spec].generation;
  if (gen.kind !== 'ec' && gen.kind !== 'edwards') throw new Error(`${spec} has no curve`);
  return gen.curveOidDer;
}

function nodeSpki(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}

function ecMaterial(publicKey: KeyObject, oid: string): PublicKeyMaterial {
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    kind: 'ec',
    curveOidDer: oid,
    point: Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]),
  };
}

describe('spkiDer', () => {
  it('builds the same RSA-2048 SubjectPublicKeyInfo as node:crypto', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const material: PublicKeyMaterial = {
      kind: 'rsa',
      modulus: b64u(jwk.n),
      exponent: b64u(jwk.e),
    };
    expect(spkiDer(material).toString('hex')).toBe(nodeSpki(publicKey).toString('hex'));
  });

  it('gives the same RSA SPKI when the token returns the modulus with a leading zero byte', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const material: PublicKeyMaterial = {
      kind: 'rsa',
      modulus: Buffer.concat([Buffer.from([0]), b64u(jwk.n)]),
      exponent: Buffer.from([0, 1, 0, 1]),
    };
    expect(spkiDer(material).toString('hex')).toBe(nodeSpki(publicKey).toString('hex'));
  });

  it.each([
    ['prime256v1', 'ECC_NIST_P256'],
    ['secp384r1', 'ECC_NIST_P384'],
    ['secp521r1', 'ECC_NIST_P521'],
    ['secp256k1', 'ECC_SECG_P256K1'],
  ] as const)('builds the same %s SubjectPublicKeyInfo as node:crypto', (namedCurve, spec) => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve });
    const spki = spkiDer(ecMaterial(publicKey, curveOid(spec)));
    expect(spki.toString('hex')).toBe(nodeSpki(publicKey).toString('hex'));
    expect(nodePublicKey(spki).asymmetricKeyDetails?.namedCurve).toBe(namedCurve);
  });

  it('builds the same Ed25519 SubjectPublicKeyInfo as node:crypto (RFC 8410, no parameters)', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    const material: PublicKeyMaterial = {
      kind: 'edwards',
      curveOidDer: curveOid('ECC_NIST_EDWARDS25519'),
      point: b64u(jwk.x),
    };
    const spki = spkiDer(material);
    expect(spki.toString('hex')).toBe(nodeSpki(publicKey).toString('hex'));
    expect(spki.subarray(0, 12).toString('hex')).toBe('302a300506032b6570032100');
    expect(nodePublicKey(spki).asymmetricKeyType).toBe('ed25519');
  });
});

describe('unwrapEcPoint', () => {
  const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 0xab)]);

  it('returns a bare point unchanged', () => {
    expect(unwrapEcPoint(point, 65).toString('hex')).toBe(point.toString('hex'));
  });

  it('unwraps a DER OCTET STRING around the point', () => {
    const wrapped = Buffer.concat([Buffer.from([0x04, 65]), point]);
    expect(unwrapEcPoint(wrapped, 65).toString('hex')).toBe(point.toString('hex'));
  });

  it('unwraps a long-form OCTET STRING around a P-521 point', () => {
    const p521 = Buffer.concat([Buffer.from([4]), Buffer.alloc(132, 0x01)]);
    const wrapped = Buffer.concat([Buffer.from([0x04, 0x81, 133]), p521]);
    expect(unwrapEcPoint(wrapped, 133).toString('hex')).toBe(p521.toString('hex'));
  });

  it('unwraps a 32-byte Ed25519 point', () => {
    const ed = Buffer.alloc(32, 0x5c);
    expect(unwrapEcPoint(Buffer.concat([Buffer.from([0x04, 32]), ed]), 32).toString('hex')).toBe(
      ed.toString('hex'),
    );
  });

  it('refuses an OCTET STRING holding a point of the wrong length', () => {
    const wrapped = Buffer.concat([Buffer.from([0x04, 64]), Buffer.alloc(64)]);
    expect(() => unwrapEcPoint(wrapped, 65)).toThrow(
      new Error('unexpected CKA_EC_POINT encoding (66 bytes)'),
    );
  });

  it('refuses a wrapper with another tag', () => {
    const wrapped = Buffer.concat([Buffer.from([0x03, 65]), point]);
    expect(() => unwrapEcPoint(wrapped, 65)).toThrow('unexpected CKA_EC_POINT encoding (67 bytes)');
  });

  it('refuses trailing bytes after the OCTET STRING', () => {
    const wrapped = Buffer.concat([Buffer.from([0x04, 65]), point, Buffer.from([0])]);
    expect(() => unwrapEcPoint(wrapped, 65)).toThrow('unexpected CKA_EC_POINT encoding (68 bytes)');
  });
});

describe('keyShape', () => {
  it('gives the RSA modulus length in bytes, ignoring leading zero bytes', () => {
    const modulus = Buffer.concat([Buffer.from([0, 0]), Buffer.alloc(256, 0xc3)]);
    expect(keyShape({ kind: 'rsa', modulus, exponent: Buffer.from([1, 0, 1]) })).toEqual({
      sizeBytes: 256,
    });
  });

  it('gives the RSA-3072 modulus length of a node-generated key', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const jwk = publicKey.export({ format: 'jwk' });
    expect(keyShape({ kind: 'rsa', modulus: b64u(jwk.n), exponent: b64u(jwk.e) })).toEqual({
      sizeBytes: 384,
    });
  });

  it.each([
    ['P-256', 65, 32],
    ['P-384', 97, 48],
    ['P-521', 133, 66],
  ])('gives the %s field length from an uncompressed point', (_curve, pointLength, field) => {
    const material: PublicKeyMaterial = {
      kind: 'ec',
      curveOidDer: '',
      point: Buffer.alloc(pointLength, 4),
    };
    expect(keyShape(material)).toEqual({ sizeBytes: field });
  });

  it('gives 32 for an Ed25519 point', () => {
    expect(keyShape({ kind: 'edwards', curveOidDer: '', point: Buffer.alloc(32) })).toEqual({
      sizeBytes: 32,
    });
  });
});
