// The DER → raw (r‖s) conversion that the JWT and X.509 recipes share: fixed DER vectors, and
// node:crypto's own signatures on each curve size, which must verify in IEEE P1363 form after it.

import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaDerToRaw } from './recipes/ecdsa';

describe('ecdsaDerToRaw', () => {
  test('pads short INTEGERs on the left to the curve size', () => {
    const raw = ecdsaDerToRaw(
      Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]),
      32,
    );
    expect(Buffer.from(raw).toString('hex')).toBe(`${'00'.repeat(31)}01${'00'.repeat(31)}02`);
  });

  test('drops the 0x00 that keeps a high-bit INTEGER positive', () => {
    const r = Buffer.alloc(32, 0xff);
    const s = Buffer.alloc(32, 0x80);
    const der = Buffer.concat([
      Buffer.from([0x30, 0x46, 0x02, 0x21, 0x00]),
      r,
      Buffer.from([0x02, 0x21, 0x00]),
      s,
    ]);
    expect(Buffer.from(ecdsaDerToRaw(der, 32))).toEqual(Buffer.concat([r, s]));
  });

  test('refuses what is not a DER ECDSA signature', () => {
    expect(() => ecdsaDerToRaw(Uint8Array.from([0x31, 0x00]), 32)).toThrow('not a DER');
    const trailing = Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00]);
    expect(() => ecdsaDerToRaw(trailing, 32)).toThrow('trailing bytes');
    const truncated = Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x05, 0x02]);
    expect(() => ecdsaDerToRaw(truncated, 32)).toThrow('not a DER');
    const tooLong = Buffer.concat([Buffer.from([0x30, 0x25, 0x02, 0x21, 0x01]), Buffer.alloc(36)]);
    expect(() => ecdsaDerToRaw(tooLong, 32)).toThrow('longer than the curve allows');
  });

  // P-521 signatures are longer than 127 bytes, so their SEQUENCE length takes the long form.
  test.each([
    ['P-256', 32],
    ['P-384', 48],
    ['P-521', 66],
  ] as const)('turns %s signatures into ones node:crypto accepts as IEEE P1363', (curve, size) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    for (let i = 0; i < 64; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      const raw = ecdsaDerToRaw(der, size);
      expect(raw).toHaveLength(2 * size);
      expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(
        true,
      );
    }
  });
});
