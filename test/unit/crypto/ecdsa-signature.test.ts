import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { p256, p384, p521 } from '@noble/curves/nist';
import { secp256k1 } from '@noble/curves/secp256k1';
import { ecdsaDerToRaw, ecdsaRawToDer } from '../../../src/crypto/ecdsa-signature';

const h = (s: string): Buffer => Buffer.from(s, 'hex');
const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));

const FIELDS = [
  { name: 'P-256', fieldBytes: 32 },
  { name: 'P-384', fieldBytes: 48 },
  { name: 'P-521', fieldBytes: 66 },
] as const;

/** r‖s with each half `fieldBytes` long, built from a repeated first byte and a fill byte. */
function half(fieldBytes: number, first: number, fill: number, leadingZeros = 0): Buffer {
  const b = Buffer.alloc(fieldBytes, fill);
  b.fill(0, 0, leadingZeros);
  b[leadingZeros] = first;
  return b;
}

describe('ecdsaRawToDer', () => {
  it('encodes a known P-256 signature with a high-bit r (0x00 pad) and a tiny s', () => {
    const r = half(32, 0x80, 0x11);
    const s = Buffer.alloc(32);
    s[31] = 0x01;
    const der = ecdsaRawToDer(Buffer.concat([r, s]));
    expect(der.toString('hex')).toBe('3026' + '022100' + r.toString('hex') + '020101');
  });

  it('uses a long-form sequence length for P-521 signatures over 127 bytes', () => {
    const r = half(66, 0x01, 0xaa);
    const s = half(66, 0x01, 0xbb);
    const der = ecdsaRawToDer(Buffer.concat([r, s]));
    expect(der.subarray(0, 5).toString('hex')).toBe('3081880242');
    expect(der.length).toBe(3 + 2 * (2 + 66));
  });

  it('refuses an odd-length token signature', () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow(
      new Error('ECDSA signature from the token has odd length 63'),
    );
  });

  it('refuses an empty token signature', () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(0))).toThrow(
      'ECDSA signature from the token has odd length 0',
    );
  });
});

describe.each(FIELDS)('raw → DER → raw round trip on $name', ({ fieldBytes }) => {
  const cases: Array<[string, Buffer, Buffer]> = [
    ['ordinary r and s', half(fieldBytes, 0x35, 0x42), half(fieldBytes, 0x12, 0x99)],
    [
      'high-bit r and s (each needs a 0x00 pad)',
      half(fieldBytes, 0xff, 0xfe),
      half(fieldBytes, 0x80, 0x00),
    ],
    ['r with one leading zero byte', half(fieldBytes, 0x7a, 0x01, 1), half(fieldBytes, 0x40, 0x02)],
    [
      's with several leading zero bytes',
      half(fieldBytes, 0x01, 0x03),
      half(fieldBytes, 0x05, 0x04, 5),
    ],
    [
      'leading zero followed by a high-bit byte',
      half(fieldBytes, 0x80, 0x05, 1),
      half(fieldBytes, 0xc0, 0x06, 2),
    ],
    [
      'r = 1 and s = 1',
      half(fieldBytes, 0x01, 0x00, fieldBytes - 1),
      half(fieldBytes, 0x01, 0x00, fieldBytes - 1),
    ],
  ];

  it.each(cases)('%s', (_what, r, s) => {
    const raw = Buffer.concat([r, s]);
    const der = ecdsaRawToDer(raw);
    expect(hex(ecdsaDerToRaw(der, fieldBytes))).toBe(raw.toString('hex'));
  });

  it('writes minimal integers: pad only before a high bit, no leading zeros', () => {
    const r = half(fieldBytes, 0x80, 0x05, 1); // magnitude fieldBytes-1 bytes starting 0x80
    const s = half(fieldBytes, 0x01, 0x00, fieldBytes - 1); // value 1
    const der = ecdsaRawToDer(Buffer.concat([r, s]));
    const rDer = Buffer.concat([
      h('02'),
      Buffer.from([fieldBytes]),
      Buffer.from([0]),
      r.subarray(1),
    ]);
    expect(der.includes(rDer)).toBe(true);
    expect(der.subarray(der.length - 3).toString('hex')).toBe('020101');
  });
});

describe('ecdsaDerToRaw refusals', () => {
  const R = '0220' + '11'.repeat(32);
  const S = '0220' + '22'.repeat(32);
  const seq = (body: string): string =>
    '30' + (body.length / 2).toString(16).padStart(2, '0') + body;

  it('accepts the well-formed baseline', () => {
    expect(hex(ecdsaDerToRaw(h(seq(R + S)), 32))).toBe('11'.repeat(32) + '22'.repeat(32));
  });

  it('left-pads short integers to the field size', () => {
    expect(hex(ecdsaDerToRaw(h(seq('020105' + '020106')), 32))).toBe(
      '00'.repeat(31) + '05' + '00'.repeat(31) + '06',
    );
  });

  it.each([
    ['a BER long-form sequence length', '3081' + '44' + R + S],
    ['a BER long-form integer length', seq('028120' + '11'.repeat(32) + S)],
    ['an indefinite-length sequence', '3080' + R + S + '0000'],
    ['a non-minimal integer (superfluous 0x00)', seq('022100' + '11'.repeat(32) + S)],
    ['a negative r', seq('0201ff' + S)],
    ['a negative s', seq(R + '022080' + '22'.repeat(31))],
    ['r = 0', seq('020100' + S)],
    ['s = 0', seq(R + '020100')],
    ['an empty integer', seq('0200' + S)],
    ['trailing bytes after the sequence', seq(R + S) + '00'],
    ['trailing bytes inside the sequence', seq(R + S + '0500')],
    ['a missing s', seq(R)],
    ['a SET instead of a SEQUENCE', '31' + seq(R + S).slice(2)],
    ['a BIT STRING instead of INTEGER r', seq('0320' + '11'.repeat(32) + S)],
    ['an OCTET STRING instead of INTEGER s', seq(R + '0420' + '22'.repeat(32))],
    ['r wider than the field', seq('022101' + '11'.repeat(32) + S)],
    ['s wider than the field even with a legal pad', seq(R + '02220080' + '22'.repeat(32))],
    ['a sequence length that overruns the input', '3045' + R + S],
    ['an empty input', ''],
  ])('refuses %s', (_what, der) => {
    expect(ecdsaDerToRaw(h(der), 32)).toBeNull();
  });

  it('accepts a padded high-bit integer exactly as wide as the field', () => {
    const der = h(seq('022100' + 'ff'.repeat(32) + S));
    expect(hex(ecdsaDerToRaw(der, 32))).toBe('ff'.repeat(32) + '22'.repeat(32));
  });

  it('refuses a P-384-sized integer when the field is P-256', () => {
    const der = ecdsaRawToDer(Buffer.concat([half(48, 0x11, 0x11), half(48, 0x22, 0x22)]));
    expect(ecdsaDerToRaw(der, 32)).toBeNull();
    expect(ecdsaDerToRaw(der, 48)).not.toBeNull();
  });
});

describe('agreement with independent ECDSA implementations', () => {
  const NODE_CURVES = [
    { name: 'prime256v1', hash: 'sha256', fieldBytes: 32 },
    { name: 'secp384r1', hash: 'sha384', fieldBytes: 48 },
    { name: 'secp521r1', hash: 'sha512', fieldBytes: 66 },
    { name: 'secp256k1', hash: 'sha256', fieldBytes: 32 },
  ] as const;

  describe.each(NODE_CURVES)('node:crypto on $name', ({ name, hash, fieldBytes }) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: name });
    // Enough signatures that some r/s have a high bit and some are shorter than the field.
    const messages = Array.from({ length: 40 }, (_, i) => Buffer.from(`message ${i}`));

    it('ecdsaDerToRaw turns every DER signature into the IEEE P1363 form node verifies', () => {
      for (const m of messages) {
        const der = sign(hash, m, { key: privateKey, dsaEncoding: 'der' });
        const raw = ecdsaDerToRaw(der, fieldBytes);
        expect(raw).not.toBeNull();
        expect(raw?.length).toBe(2 * fieldBytes);
        expect(verify(hash, m, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw as Buffer)).toBe(
          true,
        );
        // DER from node is strict, so re-encoding gives the very same bytes.
        expect(ecdsaRawToDer(raw as Buffer).toString('hex')).toBe(der.toString('hex'));
      }
    });

    it('ecdsaRawToDer turns every IEEE P1363 signature into the DER form node verifies', () => {
      for (const m of messages) {
        const p1363 = sign(hash, m, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        expect(p1363.length).toBe(2 * fieldBytes);
        const der = ecdsaRawToDer(p1363);
        expect(verify(hash, m, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
        expect(hex(ecdsaDerToRaw(der, fieldBytes))).toBe(p1363.toString('hex'));
      }
    });
  });

  // noble signs deterministically (RFC 6979), so one signature is available in both encodings.
  const NOBLE_CURVES = [
    { name: 'P-256', curve: p256, hash: 'sha256', fieldBytes: 32 },
    { name: 'P-384', curve: p384, hash: 'sha384', fieldBytes: 48 },
    { name: 'P-521', curve: p521, hash: 'sha512', fieldBytes: 66 },
    { name: 'secp256k1', curve: secp256k1, hash: 'sha256', fieldBytes: 32 },
  ] as const;

  describe.each(NOBLE_CURVES)('@noble/curves on $name', ({ curve, hash, fieldBytes }) => {
    const priv = curve.utils.randomPrivateKey();

    it("DER → raw equals noble's compact form and raw → DER equals noble's DER, byte for byte", () => {
      let unusual = 0; // halves that need a 0x00 pad in DER or are shorter than the field
      for (let i = 0; i < 40; i++) {
        const digest = createHash(hash).update(`noble ${i}`).digest();
        const sig = curve.sign(digest, priv);
        const der = Buffer.from(sig.toDERRawBytes());
        const compact = Buffer.from(sig.toCompactRawBytes());
        expect(compact.length).toBe(2 * fieldBytes);
        for (const first of [compact[0] ?? 0, compact[fieldBytes] ?? 0])
          if (first & 0x80 || first === 0) unusual++;
        expect(hex(ecdsaDerToRaw(der, fieldBytes))).toBe(compact.toString('hex'));
        expect(ecdsaRawToDer(compact).toString('hex')).toBe(der.toString('hex'));
      }
      // 80 uniformly random halves: one at least is padded or short (fails with odds of 2^-80).
      expect(unusual).toBeGreaterThan(0);
    });
  });
});

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofFile {
  testGroups: Array<{ publicKeyDer: string; sha: string; tests: WycheproofTest[] }>;
}

describe('Wycheproof ECDSA vectors', () => {
  const FILES = [
    { file: 'ecdsa_secp256r1_sha256_test.json', fieldBytes: 32 },
    { file: 'ecdsa_secp384r1_sha384_test.json', fieldBytes: 48 },
    { file: 'ecdsa_secp521r1_sha512_test.json', fieldBytes: 66 },
    { file: 'ecdsa_secp256k1_sha256_test.json', fieldBytes: 32 },
  ] as const;

  const nodeHash = (sha: string): string => sha.toLowerCase().replace('-', '');

  describe.each(FILES)('$file', ({ file, fieldBytes }) => {
    const data = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'fixtures', 'wycheproof', file), 'utf8'),
    ) as WycheproofFile;
    const all = data.testGroups.flatMap((g) => g.tests.map((t) => ({ group: g, test: t })));

    it('has tests in more than one group', () => {
      expect(data.testGroups.length).toBeGreaterThanOrEqual(2);
      expect(all.length).toBeGreaterThan(30);
    });

    it('decodes every valid signature, and the raw form verifies with node:crypto', () => {
      const valid = all.filter(({ test }) => test.result === 'valid');
      expect(valid.length).toBeGreaterThan(0);
      for (const { group, test } of valid) {
        const raw = ecdsaDerToRaw(h(test.sig), fieldBytes);
        expect({ tcId: test.tcId, raw: raw === null ? null : 'decoded' }).toEqual({
          tcId: test.tcId,
          raw: 'decoded',
        });
        const key: KeyObject = createPublicKey({
          key: h(group.publicKeyDer),
          format: 'der',
          type: 'spki',
        });
        expect({
          tcId: test.tcId,
          ok: verify(
            nodeHash(group.sha),
            h(test.msg),
            { key, dsaEncoding: 'ieee-p1363' },
            raw as Buffer,
          ),
        }).toEqual({
          tcId: test.tcId,
          ok: true,
        });
      }
    });

    it('returns null only for invalid tests', () => {
      const refused = all.filter(({ test }) => ecdsaDerToRaw(h(test.sig), fieldBytes) === null);
      expect(refused.length).toBeGreaterThan(0);
      for (const { test } of refused)
        expect({ tcId: test.tcId, result: test.result }).toEqual({
          tcId: test.tcId,
          result: 'invalid',
        });
    });

    it('refuses every BER-encoded signature', () => {
      const ber = all.filter(({ test }) => test.flags.includes('BerEncodedSignature'));
      expect(ber.length).toBeGreaterThan(0);
      for (const { test } of ber)
        expect({ tcId: test.tcId, raw: ecdsaDerToRaw(h(test.sig), fieldBytes) }).toEqual({
          tcId: test.tcId,
          raw: null,
        });
    });

    it('re-encodes every decodable signature to the same bytes unless it was not strict DER', () => {
      for (const { test } of all) {
        const raw = ecdsaDerToRaw(h(test.sig), fieldBytes);
        if (raw === null) continue;
        // Anything the strict reader accepts is canonical: writing it back gives the input.
        expect({ tcId: test.tcId, der: ecdsaRawToDer(raw).toString('hex') }).toEqual({
          tcId: test.tcId,
          der: test.sig,
        });
      }
    });
  });
});
