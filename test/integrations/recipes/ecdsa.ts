/**
 * KMS returns ECDSA signatures DER-encoded: SEQUENCE { INTEGER r, INTEGER s }, each INTEGER
 * minimal and with a 0x00 in front when its top bit is set. JWS (RFC 7518, 3.4) and WebCrypto
 * want the raw form instead: r and s as big-endian numbers of exactly `size` bytes each (32 for
 * P-256, 48 for P-384, 66 for P-521), side by side.
 */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  if (der[0] !== 0x30) throw new Error('not a DER ECDSA signature');
  // The SEQUENCE length takes one byte, or two (0x81 nn) once it passes 127 (P-521).
  let at = (der[1] as number) & 0x80 ? 2 + ((der[1] as number) & 0x7f) : 2;
  const raw = new Uint8Array(2 * size);
  for (const half of [0, 1]) {
    const length = der[at + 1] ?? 0;
    if (der[at] !== 0x02 || length > 0x7f || at + 2 + length > der.length)
      throw new Error('not a DER ECDSA signature');
    let value = der.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    if (value.length > size) throw new Error('ECDSA value longer than the curve allows');
    raw.set(value, (half + 1) * size - value.length);
  }
  if (at !== der.length) throw new Error('trailing bytes after the DER ECDSA signature');
  return raw;
}
