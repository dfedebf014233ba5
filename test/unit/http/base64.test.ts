import { decodeBase64Strict } from '../../../src/http/base64';

const decoded = (s: string): string | null => {
  const out = decodeBase64Strict(s);
  return out === null ? null : out.toString('hex');
};

describe('decodeBase64Strict', () => {
  it('decodes the empty string to zero bytes', () => {
    expect(decoded('')).toBe('');
  });

  it.each([
    ['QQ==', '41'],
    ['QUI=', '4142'],
    ['QUJD', '414243'],
    ['AAECAwQFBgcICQ==', '00010203040506070809'],
    ['+/+/', 'fbffbf'],
  ])('decodes padded canonical base64 %s', (text, hex) => {
    expect(decoded(text)).toBe(hex);
  });

  it.each([
    ['QQ', '41'],
    ['QUI', '4142'],
    ['AAECAwQFBgcICQ', '00010203040506070809'],
  ])('decodes unpadded canonical base64 %s', (text, hex) => {
    expect(decoded(text)).toBe(hex);
  });

  it('round-trips every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(decoded(all.toString('base64'))).toBe(all.toString('hex'));
  });

  it.each([
    ['a garbage character', 'QUJD!'],
    ['a garbage character in the middle', 'QU*D'],
    ['a space', 'QUJD QUJD'],
    ['a trailing newline', 'QUJD\n'],
    ['a leading space', ' QUJD'],
    ['a tab', 'QU\tJD'],
    ['base64url characters', 'a-_b'],
    ['a single character', 'Q'],
    ['five characters', 'QUJDR'],
    ['one pad after two characters', 'QQ='],
    ['three pads', 'Q==='],
    ['padding in the middle', 'QQ==QUJD'],
    ['padding alone', '=='],
    ['a pad after a full quantum', 'QUJD='],
    ['non-canonical trailing bits after two characters', 'QR=='],
    ['non-canonical trailing bits unpadded', 'QR'],
    ['non-canonical trailing bits after three characters', 'QUJ='],
    ['a non-ASCII character', 'QUJé'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64Strict(text)).toBeNull();
  });

  it('refuses what Buffer.from would silently accept', () => {
    // Buffer.from skips the garbage and decodes something else entirely.
    expect(Buffer.from('QU JD!!', 'base64').toString()).toBe('ABC');
    expect(decodeBase64Strict('QU JD!!')).toBeNull();
  });
});
