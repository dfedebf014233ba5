// Minimal DER writer and reader for the few structures QKMS builds or checks: lengths, INTEGERs,
// SEQUENCEs, BIT and OCTET STRINGs. Readers are strict (DER, not BER): a signature with a
// non-minimal length or integer is invalid, as Wycheproof expects.

export function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

export const derSequence = (...items: Buffer[]): Buffer => derTlv(0x30, Buffer.concat(items));
export const derOctetString = (content: Buffer): Buffer => derTlv(0x04, content);
export const derBitString = (content: Buffer): Buffer =>
  derTlv(0x03, Buffer.concat([Buffer.from([0]), content]));
export const DER_NULL = Buffer.from([0x05, 0x00]);

/** A non-negative big-endian integer as a minimal DER INTEGER. */
export function derUnsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length === 0) body = Buffer.from([0]);
  if ((body[0] as number) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return derTlv(0x02, body);
}

export interface DerElement {
  readonly tag: number;
  readonly content: Buffer;
  /** Offset just past this element in the input. */
  readonly end: number;
}

/** Reads one element at `offset`, or null if it is not strict DER or overruns the input. */
export function readDer(input: Buffer, offset: number): DerElement | null {
  if (offset + 2 > input.length) return null;
  const tag = input[offset] as number;
  let length = input[offset + 1] as number;
  let cursor = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || cursor + count > input.length) return null;
    if (input[cursor] === 0) return null; // leading zero: not minimal
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (input[cursor + i] as number);
    cursor += count;
    if (length < 0x80) return null; // long form where short form fits
  }
  if (cursor + length > input.length) return null;
  return { tag, content: input.subarray(cursor, cursor + length), end: cursor + length };
}

/** The magnitude of a strict-DER positive INTEGER's content, or null if it is not one. */
export function positiveIntegerMagnitude(content: Buffer): Buffer | null {
  if (content.length === 0) return null;
  const first = content[0] as number;
  if (first & 0x80) return null; // negative
  if (first === 0) {
    if (content.length === 1) return null; // zero
    if (((content[1] as number) & 0x80) === 0) return null; // superfluous leading zero
    return content.subarray(1);
  }
  return content;
}
