// PostgreSQL advisory lock keys: 64-bit numbers derived from what they protect, so every QKMS
// process derives the same key for the same thing (and other applications' keys do not clash
// with ours unless by a 2^-64 chance).

import { createHash } from 'node:crypto';

export type LockPurpose = 'migrate' | 'write' | 'sweep' | 'owner' | 'rotation';

/** A signed 64-bit key (as a decimal string: node-postgres passes bigints as text). */
export function advisoryKey(purpose: LockPurpose, ...parts: string[]): string {
  const digest = createHash('sha256')
    .update(['qkms', purpose, ...parts].join('\0'))
    .digest();
  return digest.readBigInt64BE(0).toString();
}
