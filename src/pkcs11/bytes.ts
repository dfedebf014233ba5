// Bytes from the token thread arrive as Uint8Array (structured clone drops the Buffer class), and
// pkcs11js and node:crypto want Buffers: a view over the same memory, never a copy.

export const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
