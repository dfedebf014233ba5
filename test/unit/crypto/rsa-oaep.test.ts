import {
  constants,
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import {
  oaepDecode,
  oaepEncode,
  oaepMaxMessageBytes,
  type OaepHash,
} from '../../../src/crypto/rsa-oaep';
import { PYCA_SHA256, RSA_LABS_SHA1 } from './rsa-oaep.vectors';

const h = (s: string): Buffer => Buffer.from(s, 'hex');
const HASHES: readonly OaepHash[] = ['sha1', 'sha256'];
const H_LEN: Record<OaepHash, number> = { sha1: 20, sha256: 32 };

// The token's CKM_RSA_X_509, played by node:crypto without padding.
const rawEncrypt = (key: KeyObject, em: Buffer): Buffer =>
  publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, em);
const rawDecrypt = (key: KeyObject, c: Buffer): Buffer =>
  privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, c);

const keys = new Map<number, { publicKey: KeyObject; privateKey: KeyObject }>();
beforeAll(() => {
  for (const bits of [2048, 3072, 4096]) {
    keys.set(bits, generateKeyPairSync('rsa', { modulusLength: bits }));
  }
});
function keyPair(bits: number): { publicKey: KeyObject; privateKey: KeyObject } {
  const pair = keys.get(bits);
  if (!pair) throw new Error(`no ${bits}-bit key`);
  return pair;
}

/** An independent MGF1 and masking, to build encodings with chosen (broken) contents. */
function mgf1(seed: Buffer, length: number, hash: OaepHash): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * H_LEN[hash] < length; i++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    out.push(
      createHash(hash)
        .update(Buffer.concat([seed, c]))
        .digest(),
    );
  }
  return Buffer.concat(out).subarray(0, length);
}
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ (b[i] as number)));
function mask(db: Buffer, seed: Buffer, hash: OaepHash, y = 0): Buffer {
  const maskedDb = xor(db, mgf1(seed, db.length, hash));
  const maskedSeed = xor(seed, mgf1(maskedDb, seed.length, hash));
  return Buffer.concat([Buffer.from([y]), maskedSeed, maskedDb]);
}
const lHash = (hash: OaepHash, label = ''): Buffer => createHash(hash).update(label).digest();

describe('oaepMaxMessageBytes', () => {
  it('is k − 2·hLen − 2', () => {
    expect(oaepMaxMessageBytes(256, 'sha1')).toBe(214);
    expect(oaepMaxMessageBytes(256, 'sha256')).toBe(190);
    expect(oaepMaxMessageBytes(512, 'sha256')).toBe(446);
  });
});

describe.each(HASHES)('OAEP with %s', (hash) => {
  const oaepHash = hash;

  it.each([2048, 3072, 4096])(
    'decodes what node:crypto encrypted with a %i-bit key, after a raw RSA decrypt',
    (bits) => {
      const { publicKey, privateKey } = keyPair(bits);
      for (const length of [0, 1, 32, oaepMaxMessageBytes(bits / 8, hash)]) {
        const message = randomBytes(length);
        const c = publicEncrypt(
          { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
          message,
        );
        const em = rawDecrypt(privateKey, c);
        expect(em.length).toBe(bits / 8);
        expect(oaepDecode(em, bits / 8, hash)?.equals(message)).toBe(true);
      }
    },
  );

  it.each([2048, 3072, 4096])(
    'encodes what node:crypto decrypts with a %i-bit key, after a raw RSA encrypt',
    (bits) => {
      const { publicKey, privateKey } = keyPair(bits);
      for (const length of [0, 1, 32, oaepMaxMessageBytes(bits / 8, hash)]) {
        const message = randomBytes(length);
        const em = oaepEncode(message, bits / 8, hash);
        expect(em.length).toBe(bits / 8);
        expect(em[0]).toBe(0);
        const m = privateDecrypt(
          { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
          rawEncrypt(publicKey, em),
        );
        expect(m.equals(message)).toBe(true);
      }
    },
  );

  it('accepts the longest message and refuses one byte more', () => {
    const max = oaepMaxMessageBytes(256, hash);
    const message = randomBytes(max);
    expect(oaepDecode(oaepEncode(message, 256, hash), 256, hash)?.equals(message)).toBe(true);
    expect(() => oaepEncode(randomBytes(max + 1), 256, hash)).toThrow(RangeError);
  });

  it('uses a fresh seed each time unless one is given', () => {
    const m = Buffer.from('m');
    expect(oaepEncode(m, 256, hash).equals(oaepEncode(m, 256, hash))).toBe(false);
    const seed = randomBytes(H_LEN[hash]);
    expect(oaepEncode(m, 256, hash, seed).equals(oaepEncode(m, 256, hash, seed))).toBe(true);
    expect(() => oaepEncode(m, 256, hash, randomBytes(H_LEN[hash] + 1))).toThrow(RangeError);
  });

  it('matches an independent masking of DB = lHash ‖ PS ‖ 01 ‖ M', () => {
    const seed = randomBytes(H_LEN[hash]);
    const m = Buffer.from('hello');
    const db = Buffer.concat([
      lHash(hash),
      Buffer.alloc(256 - 2 * H_LEN[hash] - 2 - 5),
      h('01'),
      m,
    ]);
    expect(oaepEncode(m, 256, hash, seed).equals(mask(db, seed, hash))).toBe(true);
  });

  it('takes the first 01 after lHash as the separator, so M may hold 00 and 01', () => {
    const m = h('0100010000');
    const em = mask(
      Buffer.concat([lHash(hash), Buffer.alloc(100), h('01'), m]),
      randomBytes(H_LEN[hash]),
      hash,
    );
    const k = em.length;
    expect(oaepDecode(em, k, hash)?.equals(m)).toBe(true);
    const noPadding = Buffer.concat([lHash(hash), h('01'), randomBytes(10)]);
    const em2 = mask(noPadding, randomBytes(H_LEN[hash]), hash);
    expect(oaepDecode(em2, em2.length, hash)?.equals(noPadding.subarray(H_LEN[hash] + 1))).toBe(
      true,
    );
  });

  describe('returns null, and nothing else, for each kind of broken encoding', () => {
    const k = 256;
    const dbLength = k - H_LEN[hash] - 1;
    const seed = randomBytes(H_LEN[hash]);
    const m = Buffer.from('message');
    const ps = (n: number): Buffer => Buffer.alloc(n);
    const psFor = (rest: number): Buffer => ps(dbLength - H_LEN[hash] - rest);

    it.each([
      [
        'Y is not zero',
        mask(Buffer.concat([lHash(hash), psFor(1 + m.length), h('01'), m]), seed, hash, 1),
      ],
      [
        'Y is 0x80',
        mask(Buffer.concat([lHash(hash), psFor(1 + m.length), h('01'), m]), seed, hash, 0x80),
      ],
      [
        "lHash is another label's",
        mask(Buffer.concat([lHash(hash, 'L'), psFor(1 + m.length), h('01'), m]), seed, hash),
      ],
      ['there is no 01 separator', mask(Buffer.concat([lHash(hash), psFor(0)]), seed, hash)],
      [
        'the separator is 02',
        mask(Buffer.concat([lHash(hash), psFor(1 + m.length), h('02'), m]), seed, hash),
      ],
      [
        'a non-zero byte precedes the 01',
        mask(Buffer.concat([lHash(hash), psFor(2 + m.length), h('ff01'), m]), seed, hash),
      ],
      [
        'the padding starts with a stray byte',
        mask(Buffer.concat([lHash(hash), h('80'), psFor(2 + m.length), h('01'), m]), seed, hash),
      ],
      [
        'all checks fail at once',
        mask(Buffer.concat([lHash(hash, 'L'), psFor(1), h('02')]), seed, hash, 1),
      ],
    ])('when %s', (_what, em) => {
      expect(em.length).toBe(k);
      expect(oaepDecode(em, k, hash)).toBeNull();
    });

    it('when its length is not the modulus length', () => {
      const good = oaepEncode(m, k, hash, seed);
      expect(oaepDecode(good, k, hash)?.equals(m)).toBe(true);
      expect(oaepDecode(good.subarray(1), k, hash)).toBeNull();
      expect(oaepDecode(Buffer.concat([good, h('00')]), k, hash)).toBeNull();
      expect(oaepDecode(Buffer.alloc(0), k, hash)).toBeNull();
    });

    it('when any single bit of a valid encoding is flipped', () => {
      const good = oaepEncode(m, k, hash, seed);
      for (let bit = 0; bit < k * 8; bit++) {
        const em = Buffer.from(good);
        em[bit >> 3] = (em[bit >> 3] as number) ^ (1 << (bit & 7));
        expect({ bit, m: oaepDecode(em, k, hash) }).toEqual({ bit, m: null });
      }
    });

    it('when the modulus is too small for OAEP with this hash', () => {
      const tiny = 2 * H_LEN[hash] + 1;
      expect(oaepDecode(Buffer.alloc(tiny), tiny, hash)).toBeNull();
      expect(() => oaepEncode(Buffer.alloc(0), tiny, hash)).toThrow(RangeError);
    });
  });
});

describe('known answers', () => {
  it('encodes and decodes the PKCS #1 v2.1 SHA-1 worked example byte for byte', () => {
    const v = RSA_LABS_SHA1;
    const em = oaepEncode(h(v.message), 128, 'sha1', h(v.seed));
    expect(em.toString('hex')).toBe(v.encoded);
    expect(oaepDecode(h(v.encoded), 128, 'sha1')?.toString('hex')).toBe(v.message);
    // And EM really is what the example's ciphertext decrypts to: C = EM^e mod n.
    const n = BigInt(`0x${v.n}`);
    let c = 1n;
    const base = BigInt(`0x${v.encoded}`) % n;
    for (let e = BigInt(`0x${v.e}`), b = base; e > 0n; e >>= 1n, b = (b * b) % n) {
      if (e & 1n) c = (c * b) % n;
    }
    expect(c.toString(16).padStart(256, '0')).toBe(v.ciphertext);
  });

  it.each(PYCA_SHA256.examples.map((e, i) => [i + 1, e] as const))(
    'decodes pyca/cryptography SHA-256 example %i after a raw RSA decrypt',
    (_i, example) => {
      const jwk = Object.fromEntries(
        Object.entries(PYCA_SHA256.key).map(([name, value]) => [
          name,
          h(value).toString('base64url'),
        ]),
      );
      const privateKey = createPrivateKey({ format: 'jwk', key: { kty: 'RSA', ...jwk } });
      const em = rawDecrypt(privateKey, h(example.ciphertext));
      expect(oaepDecode(em, 256, 'sha256')?.toString('hex')).toBe(example.message);
      expect(oaepDecode(em, 256, 'sha1')).toBeNull();
    },
  );
});
