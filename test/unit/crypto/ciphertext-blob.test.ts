import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import {
  BLOB_OVERHEAD_BYTES,
  blobAad,
  decodeBlob,
  encodeBlob,
  keyIdOfBlob,
  type BlobHeader,
} from '../../../src/crypto/ciphertext-blob';
import type { EncryptionContext } from '../../../src/crypto/encryption-context';

// node:crypto AES-256-GCM stands in for the token's CKM_AES_GCM: it returns ciphertext ‖ tag.
const KEY = randomBytes(32);
const HEADER: BlobHeader = {
  keyId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  materialId: '11111111-2222-3333-4444-555555555555',
};

/** The AAD depends on the header bytes, which exist only once the blob does: build it twice. */
function encrypt(plaintext: Buffer, context?: EncryptionContext, header = HEADER): Buffer {
  const iv = randomBytes(12);
  const headerBytes = encodeBlob(header, iv, Buffer.alloc(16)).subarray(0, 36);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  cipher.setAAD(blobAad(headerBytes, context));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return encodeBlob(header, iv, sealed);
}

function decrypt(blob: Buffer, context?: EncryptionContext): Buffer | null {
  const parts = decodeBlob(blob);
  if (!parts) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', KEY, parts.iv);
    decipher.setAAD(blobAad(parts.headerBytes, context));
    decipher.setAuthTag(parts.sealed.subarray(parts.sealed.length - 16));
    const body = parts.sealed.subarray(0, parts.sealed.length - 16);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

describe('ciphertext blob', () => {
  it('lays out magic, version, algorithm, ids, IV, ciphertext and tag', () => {
    const iv = Buffer.alloc(12, 0xaa);
    const sealed = Buffer.concat([Buffer.from('cafe', 'hex'), Buffer.alloc(16, 0xbb)]);
    const blob = encodeBlob(HEADER, iv, sealed);
    expect(blob.toString('hex')).toBe(
      '514b0101' +
        '0f1e2d3c4b5a69788796a5b4c3d2e1f0' +
        '11111111222233334444555555555555' +
        'aa'.repeat(12) +
        'cafe' +
        'bb'.repeat(16),
    );
    expect(blob.length).toBe(2 + BLOB_OVERHEAD_BYTES);
  });

  it.each([0, 1, 16, 4096])('round-trips a %i-byte plaintext through AES-256-GCM', (n) => {
    const plaintext = randomBytes(n);
    const context = { purpose: 'test' };
    const blob = encrypt(plaintext, context);
    expect(blob.length).toBe(n + BLOB_OVERHEAD_BYTES);
    const parts = decodeBlob(blob);
    expect(parts?.header).toEqual(HEADER);
    expect(parts?.iv.length).toBe(12);
    expect(parts?.sealed.length).toBe(n + 16);
    expect(decrypt(blob, context)?.equals(plaintext)).toBe(true);
  });

  it('names the key and material in lowercase whatever case they were given in', () => {
    const upper = { keyId: HEADER.keyId.toUpperCase(), materialId: randomUUID().toUpperCase() };
    const blob = encrypt(Buffer.from('x'), undefined, upper);
    expect(decodeBlob(blob)?.header).toEqual({
      keyId: upper.keyId.toLowerCase(),
      materialId: upper.materialId.toLowerCase(),
    });
    expect(keyIdOfBlob(blob)).toBe(HEADER.keyId);
  });

  it('has no single bit flip that still decrypts', () => {
    const plaintext = Buffer.from('hello');
    const context = { a: '1' };
    const blob = encrypt(plaintext, context);
    expect(decrypt(blob, context)?.equals(plaintext)).toBe(true);
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const flipped = Buffer.from(blob);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      expect({ bit, plaintext: decrypt(flipped, context) }).toEqual({ bit, plaintext: null });
    }
  });

  it('does not decrypt under another or a missing encryption context', () => {
    const blob = encrypt(Buffer.from('secret'), { tenant: 'acme' });
    expect(decrypt(blob, { tenant: 'acme ' })).toBeNull();
    expect(decrypt(blob, { Tenant: 'acme' })).toBeNull();
    expect(decrypt(blob, { tenant: 'acme', extra: '' })).toBeNull();
    expect(decrypt(blob, {})).toBeNull();
    expect(decrypt(blob)).toBeNull();
  });

  it('decrypts with the same context given in another insertion order', () => {
    const blob = encrypt(Buffer.from('secret'), { a: '1', b: '2', c: '3' });
    expect(decrypt(blob, { c: '3', a: '1', b: '2' })?.toString()).toBe('secret');
  });

  it('treats no context and an empty context as the same', () => {
    expect(decrypt(encrypt(Buffer.from('s')), {})?.toString()).toBe('s');
  });

  it('does not decrypt when the header names another key or material', () => {
    const blob = encrypt(Buffer.from('secret'));
    const relabelled = Buffer.from(blob);
    Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(relabelled, 4);
    expect(keyIdOfBlob(relabelled)).not.toBe(HEADER.keyId);
    expect(decrypt(relabelled)).toBeNull();
  });

  it.each([
    ['is empty', Buffer.alloc(0)],
    [
      'is one byte short of the minimum',
      Buffer.concat([Buffer.from('514b0101', 'hex'), Buffer.alloc(59)]),
    ],
    ['has the wrong magic', Buffer.concat([Buffer.from('514c0101', 'hex'), Buffer.alloc(60)])],
    ['has an unknown version', Buffer.concat([Buffer.from('514b0201', 'hex'), Buffer.alloc(60)])],
    ['has version 0', Buffer.concat([Buffer.from('514b0001', 'hex'), Buffer.alloc(60)])],
    ['has an unknown algorithm', Buffer.concat([Buffer.from('514b0102', 'hex'), Buffer.alloc(60)])],
  ])('is not decoded when it %s', (_name, blob) => {
    expect(decodeBlob(blob)).toBeNull();
    expect(keyIdOfBlob(blob)).toBeNull();
  });

  it('decodes the shortest blob: 64 bytes, an empty plaintext', () => {
    const blob = Buffer.concat([Buffer.from('514b0101', 'hex'), Buffer.alloc(60, 0xff)]);
    expect(decodeBlob(blob)?.header.keyId).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(decodeBlob(blob)?.sealed.length).toBe(16);
  });

  it('never throws on random input or a non-Buffer', () => {
    for (let i = 0; i < 2000; i++) {
      const blob = randomBytes(i % 100);
      if (i % 2) blob.write('514b0101', 0, 'hex');
      expect(() => decodeBlob(blob)).not.toThrow();
      expect(() => keyIdOfBlob(blob)).not.toThrow();
    }
    expect(decodeBlob('QK' as unknown as Buffer)).toBeNull();
    expect(keyIdOfBlob(undefined as unknown as Buffer)).toBeNull();
  });

  it('refuses to build a blob from a malformed id, IV or sealed part', () => {
    const iv = Buffer.alloc(12);
    const sealed = Buffer.alloc(16);
    expect(() => encodeBlob({ ...HEADER, keyId: 'alias/x' }, iv, sealed)).toThrow(RangeError);
    expect(() => encodeBlob({ ...HEADER, materialId: '' }, iv, sealed)).toThrow(RangeError);
    expect(() => encodeBlob(HEADER, Buffer.alloc(16), sealed)).toThrow(RangeError);
    expect(() => encodeBlob(HEADER, iv, Buffer.alloc(15))).toThrow(RangeError);
    expect(() => blobAad(Buffer.alloc(35), {})).toThrow(RangeError);
  });
});
