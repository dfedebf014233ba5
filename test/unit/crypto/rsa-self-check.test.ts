// The RSA pairwise checks against signatures made by node:crypto.

import { constants, createHash, generateKeyPairSync, sign } from 'node:crypto';
import { pkcs1Consistent, pssConsistent } from '../../../src/crypto/rsa-self-check';
import { SIGNING_ALGORITHM_TABLE } from '../../../src/crypto/signing-algorithms';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const message = Buffer.from('pairwise consistency');
const flip = (b: Buffer): Buffer => {
  const c = Buffer.from(b);
  c[c.length - 1] = (c[c.length - 1] as number) ^ 1;
  return c;
};

describe.each(['sha256', 'sha384', 'sha512'] as const)('with %s', (hash) => {
  const digest = createHash(hash).update(message).digest();

  it('accepts a PSS signature (salt = hash length) and refuses a flipped bit or another digest', () => {
    const sig = sign(hash, message, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: digest.length,
    });
    expect(pssConsistent(hash, digest, sig, publicKey)).toBe(true);
    expect(pssConsistent(hash, digest, flip(sig), publicKey)).toBe(false);
    expect(pssConsistent(hash, flip(digest), sig, publicKey)).toBe(false);
  });

  it('accepts a PKCS#1 v1.5 signature over exactly the DigestInfo and refuses a flipped bit', () => {
    const sig = sign(hash, message, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
    const name = `RSASSA_PKCS1_V1_5_SHA_${hash.slice(3)}` as 'RSASSA_PKCS1_V1_5_SHA_256';
    const input = SIGNING_ALGORITHM_TABLE[name].tokenInput(message, 'RAW');
    expect(pkcs1Consistent(input, sig, publicKey)).toBe(true);
    expect(pkcs1Consistent(input, flip(sig), publicKey)).toBe(false);
    expect(pkcs1Consistent(flip(input), sig, publicKey)).toBe(false);
  });
});

it('refuses a PSS signature with a different salt length', () => {
  const digest = createHash('sha256').update(message).digest();
  const sig = sign('sha256', message, {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 20,
  });
  expect(pssConsistent('sha256', digest, sig, publicKey)).toBe(false);
});

it('has a self-check for every RSA algorithm and for nothing else', () => {
  for (const entry of Object.values(SIGNING_ALGORITHM_TABLE)) {
    expect(entry.selfCheck !== undefined).toBe(entry.name.startsWith('RSASSA_'));
  }
});
