// Derived SigV4 signing keys and their bounded LRU cache: the derivation matches AWS's published
// example, a repeat is served from the cache, a rotated secret is not, and the cache stays
// within its capacity, evicting (and zeroing) the least recently used key.

import { SigningKeyCache, deriveSigningKey } from '../../../src/auth/sigv4-signing-key';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

it('derives the signing key of the AWS documentation example', () => {
  // "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
  expect(deriveSigningKey(SECRET, '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
    'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
  );
});

describe('SigningKeyCache', () => {
  it('serves a repeat from the cache and keys it by date, region and service', () => {
    const cache = new SigningKeyCache(8);
    const key = cache.signingKey('AKIDEXAMPLE', SECRET, '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
    expect(cache.signingKey('AKIDEXAMPLE', SECRET, '20120215', 'us-east-1', 'iam')).toBe(key);
    for (const [date, region, service] of [
      ['20120216', 'us-east-1', 'iam'],
      ['20120215', 'eu-west-1', 'iam'],
      ['20120215', 'us-east-1', 'kms'],
    ] as const) {
      const other = cache.signingKey('AKIDEXAMPLE', SECRET, date, region, service);
      expect(other).toEqual(deriveSigningKey(SECRET, date, region, service));
      expect(other).not.toEqual(key);
    }
    expect(cache.size).toBe(4);
  });

  it('misses when the secret behind an access key id was rotated', () => {
    const cache = new SigningKeyCache(8);
    const old = cache.signingKey('AKIDEXAMPLE', SECRET, '20120215', 'us-east-1', 'iam');
    const rotated = cache.signingKey('AKIDEXAMPLE', `${SECRET}2`, '20120215', 'us-east-1', 'iam');
    expect(rotated).toEqual(deriveSigningKey(`${SECRET}2`, '20120215', 'us-east-1', 'iam'));
    expect(rotated).not.toEqual(old);
  });

  it('does not serve one access key the key of another with the same secret', () => {
    const cache = new SigningKeyCache(8);
    const a = cache.signingKey('AKIDEXAMPLEA', SECRET, '20120215', 'us-east-1', 'iam');
    const b = cache.signingKey('AKIDEXAMPLEB', SECRET, '20120215', 'us-east-1', 'iam');
    expect(b).not.toBe(a); // equal bytes (same secret), separate entries
    expect(cache.size).toBe(2);
  });

  it('holds at most its capacity and evicts the least recently used key, zeroed', () => {
    const cache = new SigningKeyCache(3);
    const get = (date: string) => cache.signingKey('AKIDEXAMPLE', SECRET, date, 'us-east-1', 'kms');
    const first = get('20250101');
    const second = get('20250102');
    get('20250103');
    expect(get('20250101')).toBe(first); // now the most recently used
    get('20250104'); // evicts 20250102, the least recently used
    expect(cache.size).toBe(3);
    expect(second.equals(Buffer.alloc(32))).toBe(true);
    expect(get('20250101')).toBe(first);
    const again = get('20250102');
    expect(again).not.toBe(second);
    expect(again).toEqual(deriveSigningKey(SECRET, '20250102', 'us-east-1', 'kms'));
    for (let day = 10; day < 40; day++) get(`202501${day}`);
    expect(cache.size).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SigningKeyCache(0)).toThrow(RangeError);
    expect(() => new SigningKeyCache(1.5)).toThrow(RangeError);
  });
});
