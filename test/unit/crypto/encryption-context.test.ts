import { canonicalContext, contextKeys } from '../../../src/crypto/encryption-context';

const hex = (b: Buffer): string => b.toString('hex');

describe('canonicalContext', () => {
  it('encodes an empty or missing context as a zero count', () => {
    expect(hex(canonicalContext({}))).toBe('0000');
    expect(hex(canonicalContext(undefined))).toBe('0000');
  });

  it('writes count, then length-prefixed UTF-8 key and value per entry, big endian', () => {
    expect(hex(canonicalContext({ b: '2', a: '' }))).toBe(
      ['0002', '0001', '61', '0000', '0001', '62', '0001', '32'].join(''),
    );
  });

  it('is the same whatever order the pairs were inserted in', () => {
    const one = { purpose: 'test', tenant: 'acme', 'Z-upper': 'x', é: 'accent' };
    const two = { é: 'accent', tenant: 'acme', 'Z-upper': 'x', purpose: 'test' };
    expect(canonicalContext(one).equals(canonicalContext(two))).toBe(true);
  });

  it('differs when a value, a key or the number of pairs differs', () => {
    const base = canonicalContext({ a: 'b' });
    expect(base.equals(canonicalContext({ a: 'c' }))).toBe(false);
    expect(base.equals(canonicalContext({ A: 'b' }))).toBe(false);
    expect(base.equals(canonicalContext({ a: 'b', c: '' }))).toBe(false);
    // Length prefixes keep boundaries apart: "ab"→"" is not "a"→"b".
    expect(base.equals(canonicalContext({ ab: '' }))).toBe(false);
  });

  it('sorts by UTF-8 bytes, putting an astral character after U+FFFD unlike JS string order', () => {
    const astral = '\u{1F600}'; // UTF-16 D83D DE00, UTF-8 F0 9F 98 80
    const bmp = '\uFFFD'; // UTF-16 FFFD, UTF-8 EF BF BD
    expect([astral, bmp].sort()).toEqual([astral, bmp]); // JS: 0xD83D < 0xFFFD
    expect(contextKeys({ [astral]: '1', [bmp]: '2' })).toEqual([bmp, astral]);
    expect(hex(canonicalContext({ [astral]: '1', [bmp]: '2' }))).toBe(
      ['0002', '0003', 'efbfbd', '0001', '32', '0004', 'f09f9880', '0001', '31'].join(''),
    );
  });

  it('encodes a key and a value of 65535 UTF-8 bytes and refuses one byte more', () => {
    const max = 'k'.repeat(0xffff);
    expect(canonicalContext({ [max]: max }).length).toBe(2 + 2 + 0xffff + 2 + 0xffff);
    expect(() => canonicalContext({ [`${max}k`]: '' })).toThrow(RangeError);
    expect(() => canonicalContext({ k: `${max}v` })).toThrow(RangeError);
    // Three UTF-8 bytes per character: 21846 characters are 65538 bytes.
    expect(() => canonicalContext({ k: '€'.repeat(21846) })).toThrow(RangeError);
  });

  it('refuses a lone surrogate, which UTF-8 cannot carry and would otherwise become U+FFFD', () => {
    expect(() => canonicalContext({ '\uD800': 'v' })).toThrow(RangeError);
    expect(() => canonicalContext({ k: 'x\uDC00' })).toThrow(RangeError);
  });
});

describe('contextKeys', () => {
  it('lists the keys in canonical order', () => {
    expect(contextKeys({ b: '', a: '', B: '' })).toEqual(['B', 'a', 'b']);
    expect(contextKeys(undefined)).toEqual([]);
  });
});
