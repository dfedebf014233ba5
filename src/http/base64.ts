// Strict base64: Buffer.from(s, 'base64') silently skips garbage, so a corrupted blob would be
// signed as something else. Only canonical base64 (with or without padding) is accepted.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function decodeBase64Strict(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  // Reject non-canonical trailing bits (e.g. "QR==" vs "QQ=="): re-encoding must round-trip.
  if (bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) return null;
  return bytes;
}
