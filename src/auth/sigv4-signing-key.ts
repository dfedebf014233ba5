// SigV4 signing keys, HMAC-derived from a secret for one day, region and service, and kept in a
// small least-recently-used cache: deriving one is four HMACs, and a client signs every request
// of a day with the same key. The cache is keyed by access key id plus a SHA-256 of the secret,
// so a rotated secret misses instead of finding the old key, and the secret itself is not kept.
// Keys never leave this module except as HMAC keys for the verifier; evicted ones are zeroed.

import { createHmac } from 'node:crypto';
import { sha256Hex } from './sigv4-hash';

const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();

export function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  return hmac(hmac(hmac(kDate, region), service), 'aws4_request');
}

export class SigningKeyCache {
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly keys = new Map<string, Buffer>();

  constructor(readonly capacity = 256) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  get size(): number {
    return this.keys.size;
  }

  signingKey(
    accessKeyId: string,
    secretAccessKey: string,
    date: string,
    region: string,
    service: string,
  ): Buffer {
    const secretHash = sha256Hex(secretAccessKey);
    // NUL separates the parts: none can contain it (they come from HTTP headers, or are hex).
    const id = `${accessKeyId}\0${secretHash}\0${date}\0${region}\0${service}`;
    const cached = this.keys.get(id);
    if (cached) {
      this.keys.delete(id);
      this.keys.set(id, cached);
      return cached;
    }
    const key = deriveSigningKey(secretAccessKey, date, region, service);
    this.keys.set(id, key);
    if (this.keys.size > this.capacity) {
      const [oldest, evicted] = this.keys.entries().next().value as [string, Buffer];
      this.keys.delete(oldest);
      evicted.fill(0);
    }
    return key;
  }
}
