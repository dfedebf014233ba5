// ECDSA signatures in the two forms QKMS meets: PKCS#11 returns r‖s with each half the field
// length; KMS speaks X9.62 Ecdsa-Sig-Value, SEQUENCE { r INTEGER, s INTEGER }, in DER.

import { derSequence, derUnsignedInteger, positiveIntegerMagnitude, readDer } from './der';

/** r‖s (two equal halves) → DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new Error(`ECDSA signature from the token has odd length ${raw.length}`);
  }
  const half = raw.length / 2;
  return derSequence(
    derUnsignedInteger(raw.subarray(0, half)),
    derUnsignedInteger(raw.subarray(half)),
  );
}

/**
 * DER Ecdsa-Sig-Value → r‖s padded to `fieldBytes` each, or null if the input is not strict DER,
 * has trailing bytes, or holds an integer that is zero, negative or wider than the field.
 */
export function ecdsaDerToRaw(der: Buffer, fieldBytes: number): Buffer | null {
  const seq = readDer(der, 0);
  if (!seq || seq.tag !== 0x30 || seq.end !== der.length) return null;
  const r = readDer(seq.content, 0);
  if (!r || r.tag !== 0x02) return null;
  const s = readDer(seq.content, r.end);
  if (!s || s.tag !== 0x02 || s.end !== seq.content.length) return null;
  const out = Buffer.alloc(fieldBytes * 2);
  const halves = [positiveIntegerMagnitude(r.content), positiveIntegerMagnitude(s.content)];
  for (const [i, magnitude] of halves.entries()) {
    if (!magnitude || magnitude.length > fieldBytes) return null;
    magnitude.copy(out, (i + 1) * fieldBytes - magnitude.length);
  }
  return out;
}
