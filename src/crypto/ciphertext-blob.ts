// QKMS's own self-describing, versioned ciphertext format for symmetric (AES-256-GCM) KMS keys.
// Encrypt returns it as CiphertextBlob; Decrypt reads from it which key and which version of the
// key material to use, so a client never has to name the key to decrypt.
//
//   offset size  field
//   0      2     magic 0x51 0x4B ("QK")
//   2      1     format version = 1
//   3      1     algorithm = 1 (AES-256-GCM, 96-bit IV, 128-bit tag)
//   4      16    key id (the KMS key's UUID as 16 bytes)
//   20     16    material id (UUID bytes of the key material version that encrypted)
//   36     12    IV
//   48     n     ciphertext (n = plaintext length, 0..)
//   48+n   16    GCM tag
//
// AAD = the 36-byte header (bytes 0..35) followed by canonicalContext(encryption context). The
// header is in the AAD so that a blob cannot be relabelled to another key, material version,
// format or algorithm; the IV needs no AAD, GCM already authenticates it.

import { canonicalContext, type EncryptionContext } from './encryption-context';
import { bytesToUuid, uuidToBytes } from './uuid-bytes';

export interface BlobHeader {
  /** The KMS key's id, a lowercase UUID string. */
  readonly keyId: string;
  /** The key material version that encrypted, a lowercase UUID string. */
  readonly materialId: string;
}

export interface DecodedBlob {
  readonly header: BlobHeader;
  /** Bytes 0..35 of the blob, for blobAad. Views into the blob, not copies. */
  readonly headerBytes: Buffer;
  readonly iv: Buffer;
  /** Ciphertext followed by the 16-byte tag, as a PKCS#11 CKM_AES_GCM decrypt takes it. */
  readonly sealed: Buffer;
}

const MAGIC_0 = 0x51; // 'Q'
const MAGIC_1 = 0x4b; // 'K'
const FORMAT_VERSION = 1;
const ALG_AES_256_GCM = 1;

export const BLOB_HEADER_BYTES = 36;
export const BLOB_IV_BYTES = 12;
export const BLOB_TAG_BYTES = 16;
/** Blob length minus plaintext length: header, IV and tag. */
export const BLOB_OVERHEAD_BYTES = BLOB_HEADER_BYTES + BLOB_IV_BYTES + BLOB_TAG_BYTES;

const KEY_ID_OFFSET = 4;
const MATERIAL_ID_OFFSET = 20;

/** The blob's first 36 bytes, which the AAD starts with (blobAad): known before encrypting. */
export function encodeHeader(header: BlobHeader): Buffer {
  return Buffer.concat([
    Buffer.from([MAGIC_0, MAGIC_1, FORMAT_VERSION, ALG_AES_256_GCM]),
    uuidToBytes(header.keyId),
    uuidToBytes(header.materialId),
  ]);
}

/** Builds a blob; RangeError on a malformed id, IV or sealed part (programming errors). */
export function encodeBlob(header: BlobHeader, iv: Buffer, sealed: Buffer): Buffer {
  if (iv.length !== BLOB_IV_BYTES) throw new RangeError(`IV must be ${BLOB_IV_BYTES} bytes`);
  if (sealed.length < BLOB_TAG_BYTES) {
    throw new RangeError(`sealed data must end with a ${BLOB_TAG_BYTES}-byte tag`);
  }
  return Buffer.concat([encodeHeader(header), iv, sealed]);
}

/** True if the blob is long enough and starts with a header this version understands. */
function knownHeader(blob: Buffer): boolean {
  return (
    blob.length >= BLOB_OVERHEAD_BYTES &&
    blob[0] === MAGIC_0 &&
    blob[1] === MAGIC_1 &&
    blob[2] === FORMAT_VERSION &&
    blob[3] === ALG_AES_256_GCM
  );
}

/** Splits a blob into its parts, or null if it is not a blob this version can read. */
export function decodeBlob(blob: Buffer): DecodedBlob | null {
  if (!Buffer.isBuffer(blob) || !knownHeader(blob)) return null;
  const ivEnd = BLOB_HEADER_BYTES + BLOB_IV_BYTES;
  return {
    header: {
      keyId: bytesToUuid(blob.subarray(KEY_ID_OFFSET, MATERIAL_ID_OFFSET)),
      materialId: bytesToUuid(blob.subarray(MATERIAL_ID_OFFSET, BLOB_HEADER_BYTES)),
    },
    headerBytes: blob.subarray(0, BLOB_HEADER_BYTES),
    iv: blob.subarray(BLOB_HEADER_BYTES, ivEnd),
    sealed: blob.subarray(ivEnd),
  };
}

/** The key id a blob names, without splitting the rest: the policy layer's cheap peek. */
export function keyIdOfBlob(blob: Buffer): string | null {
  if (!Buffer.isBuffer(blob) || !knownHeader(blob)) return null;
  return bytesToUuid(blob.subarray(KEY_ID_OFFSET, MATERIAL_ID_OFFSET));
}

/** The AAD for AES-GCM: the blob header, then the canonical encryption context. */
export function blobAad(headerBytes: Buffer, context: EncryptionContext | undefined): Buffer {
  if (headerBytes.length !== BLOB_HEADER_BYTES) {
    throw new RangeError(`a blob header is ${BLOB_HEADER_BYTES} bytes`);
  }
  return Buffer.concat([headerBytes, canonicalContext(context)]);
}
