// UUID strings and their 16 bytes, for ids carried inside QKMS's binary formats (the ciphertext
// blob). Kept in crypto/ because crypto must not import keys/.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const UUID_BYTES = 16;

/** The 16 bytes of a UUID string (either case); RangeError if it is not one. */
export function uuidToBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) throw new RangeError('not a UUID string');
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** Any 16 bytes as a lowercase UUID string (no version or variant check: ids are opaque). */
export function bytesToUuid(bytes: Buffer): string {
  if (bytes.length !== UUID_BYTES) throw new RangeError(`a UUID is ${UUID_BYTES} bytes`);
  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20, 32),
  ].join('-');
}
