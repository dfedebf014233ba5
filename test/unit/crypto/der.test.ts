import {
  derLength,
  derUnsignedInteger,
  positiveIntegerMagnitude,
  readDer,
  derTlv,
  derBitString,
  derOctetString,
  derSequence,
} from '../../../src/crypto/der';

const hex = (b: Buffer): string => b.toString('hex');
const h = (s: string): Buffer => Buffer.from(s, 'hex');

describe('derLength', () => {
  it('writes short form below 0x80', () => {
    expect(hex(derLength(0))).toBe('00');
    expect(hex(derLength(0x7f))).toBe('7f');
  });

  it('writes minimal long form from 0x80 up', () => {
    expect(hex(derLength(0x80))).toBe('8180');
    expect(hex(derLength(0xff))).toBe('81ff');
    expect(hex(derLength(0x100))).toBe('820100');
    expect(hex(derLength(0x10000))).toBe('83010000');
  });
});

describe('DER writers', () => {
  it('wraps content in tag and length', () => {
    expect(hex(derTlv(0x02, h('01')))).toBe('020101');
    expect(hex(derOctetString(h('aabb')))).toBe('0402aabb');
    expect(hex(derBitString(h('aabb')))).toBe('030300aabb');
    expect(hex(derSequence(h('0500'), h('020101')))).toBe('30050500020101');
  });

  it('encodes a 200-byte element with a two-byte long-form length', () => {
    const out = derTlv(0x04, Buffer.alloc(200, 1));
    expect(hex(out.subarray(0, 3))).toBe('0481c8');
    expect(out.length).toBe(203);
  });
});

describe('derUnsignedInteger', () => {
  it('strips leading zero bytes down to a minimal encoding', () => {
    expect(hex(derUnsignedInteger(h('00000001')))).toBe('020101');
    expect(hex(derUnsignedInteger(h('00007f')))).toBe('02017f');
  });

  it('adds one 0x00 pad byte when the high bit is set', () => {
    expect(hex(derUnsignedInteger(h('80')))).toBe('02020080');
    expect(hex(derUnsignedInteger(h('0000ff01')))).toBe('020300ff01');
  });

  it('encodes zero as a single 0x00 byte whatever the input width', () => {
    expect(hex(derUnsignedInteger(h('000000')))).toBe('020100');
    expect(hex(derUnsignedInteger(Buffer.alloc(0)))).toBe('020100');
  });
});

describe('readDer', () => {
  it('reads a short-form element and reports where it ends', () => {
    const el = readDer(h('020101ff'), 0);
    expect(el).not.toBeNull();
    expect(el?.tag).toBe(0x02);
    expect(hex(el?.content ?? Buffer.alloc(0))).toBe('01');
    expect(el?.end).toBe(3);
  });

  it('reads a minimal long-form length', () => {
    const input = Buffer.concat([h('0481c8'), Buffer.alloc(200, 7)]);
    const el = readDer(input, 0);
    expect(el?.content.length).toBe(200);
    expect(el?.end).toBe(203);
  });

  it('reads at an offset', () => {
    const el = readDer(h('020101020102'), 3);
    expect(el?.tag).toBe(0x02);
    expect(hex(el?.content ?? Buffer.alloc(0))).toBe('02');
  });

  it.each([
    ['long form for a length that fits the short form', '04810100'],
    ['long form with a leading zero length byte', '0482000100'],
    ['indefinite length (BER)', '0480000000'],
    ['a length of more than four bytes', '048500000000ff'],
    ['a length that overruns the input', '0405aabb'],
    ['a long-form length whose bytes overrun the input', '0482'],
    ['a single byte', '04'],
    ['an empty input', ''],
  ])('refuses %s', (_what, input) => {
    expect(readDer(h(input), 0)).toBeNull();
  });
});

describe('positiveIntegerMagnitude', () => {
  it('returns the content of a positive integer without a pad byte', () => {
    expect(hex(positiveIntegerMagnitude(h('7f')) ?? Buffer.alloc(0))).toBe('7f');
    expect(hex(positiveIntegerMagnitude(h('0102')) ?? Buffer.alloc(0))).toBe('0102');
  });

  it('strips the one pad byte before a high-bit magnitude', () => {
    expect(hex(positiveIntegerMagnitude(h('0080')) ?? Buffer.alloc(0))).toBe('80');
  });

  it.each([
    ['empty content', ''],
    ['zero', '00'],
    ['a negative integer', '80'],
    ['a negative multi-byte integer', 'ff01'],
    ['a superfluous leading zero', '0001'],
    ['two leading zeros', '000080'],
  ])('refuses %s', (_what, content) => {
    expect(positiveIntegerMagnitude(h(content))).toBeNull();
  });
});
