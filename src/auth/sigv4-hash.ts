// Hex SHA-256 for the SigV4 hot path. crypto.hash (Node ≥ 20.12) hashes in one call without a
// Hash object and costs about half of createHash().update().digest() for the short inputs
// SigV4 hashes; older Node 20 releases fall back to the latter.

import * as crypto from 'node:crypto';
import type { BinaryLike } from 'node:crypto';

const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

export const sha256Hex: (data: BinaryLike) => string =
  typeof oneShot === 'function'
    ? (data) => oneShot('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');
