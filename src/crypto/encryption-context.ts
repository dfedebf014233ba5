// The canonical byte encoding of a KMS encryption context, bound into a ciphertext as AAD.
// Encrypt and Decrypt must produce the same bytes for the same map whatever order the client
// sent the pairs in, so the encoding sorts and length-prefixes them:
//   u16 count, then per entry: u16 key length, UTF-8 key, u16 value length, UTF-8 value
// (big endian; entries in UTF-8 byte order of their keys). An empty context is 00 00.

export type EncryptionContext = Readonly<Record<string, string>>;

const U16_MAX = 0xffff;
// In a /u regex a well-formed surrogate pair is one code point, so this finds only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Encodes a string as UTF-8, refusing lone surrogates: Buffer.from would turn each into U+FFFD,
 * and two different contexts would then share one AAD.
 */
function utf8(text: string, what: 'key' | 'value'): Buffer {
  if (LONE_SURROGATE.test(text)) {
    throw new RangeError(`encryption context ${what} is not well-formed Unicode`);
  }
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > U16_MAX) {
    throw new RangeError(`encryption context ${what} is longer than ${U16_MAX} UTF-8 bytes`);
  }
  return bytes;
}

/**
 * Sorting by UTF-8 bytes, not by JS string order: JS compares UTF-16 code units, in which an
 * astral character (a surrogate pair, 0xD800–0xDBFF) sorts before U+E000–U+FFFF, while in UTF-8
 * (and code point order) it sorts after them. Byte order is what any other implementation of
 * this format (another language, a future QKMS) will reproduce without thinking about UTF-16.
 */
function sortedEntries(ctx: EncryptionContext | undefined): [Buffer, Buffer][] {
  const entries = Object.entries(ctx ?? {}).map(([key, value]): [Buffer, Buffer] => [
    utf8(key, 'key'),
    utf8(value, 'value'),
  ]);
  return entries.sort(([a], [b]) => Buffer.compare(a, b));
}

/** The context's keys in the canonical (UTF-8 byte) order. */
export function contextKeys(ctx: EncryptionContext | undefined): string[] {
  return sortedEntries(ctx).map(([key]) => key.toString('utf8'));
}

/** The canonical encoding; RangeError only for what cannot be encoded. */
export function canonicalContext(ctx: EncryptionContext | undefined): Buffer {
  const entries = sortedEntries(ctx);
  if (entries.length > U16_MAX) {
    throw new RangeError(`encryption context has more than ${U16_MAX} pairs`);
  }
  const parts: Buffer[] = [u16(entries.length)];
  for (const [key, value] of entries) parts.push(u16(key.length), key, u16(value.length), value);
  return Buffer.concat(parts);
}

function u16(n: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n, 0);
  return out;
}
