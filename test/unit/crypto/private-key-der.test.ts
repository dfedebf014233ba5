import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { derOctetString } from '../../../src/crypto/der';
import {
  privateKeyPkcs8,
  type EcPrivateComponents,
  type RsaPrivateComponents,
} from '../../../src/crypto/private-key-der';

const b64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');
const spki = (key: KeyObject): string =>
  key.export({ format: 'der', type: 'spki' }).toString('hex');

/** What a token returns for an extractable RSA key, played by node:crypto's JWK. */
function rsaComponents(jwk: JsonWebKey): RsaPrivateComponents {
  return {
    kind: 'rsa',
    modulus: b64u(jwk.n),
    publicExponent: b64u(jwk.e),
    privateExponent: b64u(jwk.d),
    prime1: b64u(jwk.p),
    prime2: b64u(jwk.q),
    exponent1: b64u(jwk.dp),
    exponent2: b64u(jwk.dq),
    coefficient: b64u(jwk.qi),
  };
}

function ecComponents(jwk: JsonWebKey, curveOidDer: string): EcPrivateComponents {
  return {
    kind: 'ec',
    curveOidDer,
    privateValue: b64u(jwk.d),
    point: Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]),
  };
}

/** The PKCS#8 parses, carries the original public key, and signs what that key verifies. */
function expectSameKeyPair(pkcs8: Buffer, publicKey: KeyObject): void {
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  expect(spki(createPublicKey(privateKey))).toBe(spki(publicKey));
  const data = Buffer.from('data key pair');
  expect(verify('sha256', data, publicKey, sign('sha256', data, privateKey))).toBe(true);
}

describe('privateKeyPkcs8 for RSA', () => {
  it.each([2048, 3072, 4096])('rebuilds a %i-bit key from its components', (bits) => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    const pkcs8 = privateKeyPkcs8(rsaComponents(privateKey.export({ format: 'jwk' })));
    expect(pkcs8.toString('hex')).toBe(
      privateKey.export({ format: 'der', type: 'pkcs8' }).toString('hex'),
    );
    expectSameKeyPair(pkcs8, publicKey);
  });

  it('accepts components with leading zero bytes, as some tokens return them', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const c = rsaComponents(privateKey.export({ format: 'jwk' }));
    const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(1), b]);
    const padded = {
      ...c,
      modulus: pad(c.modulus),
      prime1: pad(c.prime1),
      publicExponent: Buffer.from('00010001', 'hex'),
    };
    expectSameKeyPair(privateKeyPkcs8(padded), publicKey);
  });

  it('refuses components that do not belong together', () => {
    const one = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const two = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const mixed = {
      ...rsaComponents(one.export({ format: 'jwk' })),
      prime1: rsaComponents(two.export({ format: 'jwk' })).prime1,
    };
    expect(() => privateKeyPkcs8(mixed)).toThrow('modulus ≠ prime1 · prime2');
  });
});

describe('privateKeyPkcs8 for EC', () => {
  it.each([
    ['prime256v1', '06082a8648ce3d030107'],
    ['secp384r1', '06052b81040022'],
    ['secp521r1', '06052b81040023'],
    ['secp256k1', '06052b8104000a'],
  ])('rebuilds a %s key from its components', (namedCurve, oid) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve });
    const pkcs8 = privateKeyPkcs8(ecComponents(privateKey.export({ format: 'jwk' }), oid));
    expectSameKeyPair(pkcs8, publicKey);
  });

  it('left-pads a private value the token returned without its leading zero bytes', () => {
    // About 1 P-256 key in 256 has a private scalar whose first byte is zero; make one.
    let found: { publicKey: KeyObject; jwk: JsonWebKey } | undefined;
    while (!found) {
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const jwk = privateKey.export({ format: 'jwk' });
      if (b64u(jwk.d)[0] === 0) found = { publicKey, jwk };
    }
    const c = ecComponents(found.jwk, '06082a8648ce3d030107');
    const stripped = { ...c, privateValue: c.privateValue.subarray(1) };
    expect(stripped.privateValue.length).toBe(31);
    expectSameKeyPair(privateKeyPkcs8(stripped), found.publicKey);
  });

  it('accepts a private value with extra leading zeros and a point wrapped in an OCTET STRING', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const c = ecComponents(privateKey.export({ format: 'jwk' }), '06052b81040022');
    const wrapped = {
      ...c,
      privateValue: Buffer.concat([Buffer.alloc(2), c.privateValue]),
      point: derOctetString(c.point),
    };
    expectSameKeyPair(privateKeyPkcs8(wrapped), publicKey);
  });

  it('refuses a private value that does not match the point', () => {
    const one = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const two = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const mixed = {
      ...ecComponents(one.export({ format: 'jwk' }), '06082a8648ce3d030107'),
      privateValue: b64u(two.export({ format: 'jwk' }).d),
    };
    expect(() => privateKeyPkcs8(mixed)).toThrow('point ≠ d·G');
  });

  it('refuses a private value longer than the field, a compressed point and an unknown curve', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const c = ecComponents(privateKey.export({ format: 'jwk' }), '06082a8648ce3d030107');
    expect(() => privateKeyPkcs8({ ...c, privateValue: Buffer.alloc(33, 1) })).toThrow(
      'longer than 32 bytes',
    );
    const compressed = Buffer.concat([Buffer.from([2]), c.point.subarray(1, 33), Buffer.alloc(32)]);
    expect(() => privateKeyPkcs8({ ...c, point: compressed })).toThrow('not an uncompressed point');
    expect(() => privateKeyPkcs8({ ...c, curveOidDer: '06032b6570' })).toThrow('06032b6570');
  });
});
