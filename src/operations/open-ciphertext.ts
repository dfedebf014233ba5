// The decrypting side of Decrypt and ReEncrypt, written once: find the key a ciphertext is under
// (the blob names it for SYMMETRIC_DEFAULT; an RSA ciphertext needs the request to), check it as
// every use of a key is checked, then open it in the token.

import { decodeBlob, type DecodedBlob } from '../crypto/ciphertext-blob';
import type { EncryptionContext } from '../crypto/encryption-context';
import { KmsError } from '../errors/kms-error';
import { encryptionPlan, type EncryptionPlan } from './encryption-input';
import type { OperationContext } from './operation';
import { rsaDecrypt } from './rsa-encryption';
import { blobKey, openBlob, parseBlob, type Opened } from './symmetric-encryption';

export interface CiphertextSource {
  readonly blob: Buffer | undefined;
  /** Decrypt's KeyId or ReEncrypt's SourceKeyId. */
  readonly keyId: string | undefined;
  readonly algorithm: string | undefined;
  readonly context: EncryptionContext | undefined;
}

export interface OpenPlan extends EncryptionPlan {
  readonly blob: Buffer;
  readonly context: EncryptionContext | undefined;
  /** The parsed blob (SYMMETRIC_DEFAULT), null for an RSA ciphertext. */
  readonly decoded: DecodedBlob | null;
}

/**
 * Every check short of decrypting, so that a DryRun can stop after it. `keyIdMember` is the
 * request member that names the key, for messages (Decrypt's KeyId, ReEncrypt's SourceKeyId).
 */
export async function sourceKey(
  source: CiphertextSource,
  operation: string,
  keyIdMember: string,
  ctx: OperationContext,
): Promise<OpenPlan> {
  const { blob, keyId, algorithm, context } = source;
  if (blob === undefined) {
    throw new KmsError(
      'ValidationException',
      "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
    );
  }
  const symmetric = algorithm === undefined || algorithm === 'SYMMETRIC_DEFAULT';
  if (keyId === undefined) {
    if (!symmetric) {
      throw new KmsError(
        'ValidationException',
        `${keyIdMember} is required to decrypt with ${algorithm}: an asymmetric ciphertext does not name its key.`,
      );
    }
    const decoded = parseBlob(blob);
    const key = await blobKey(decoded, undefined, ctx);
    return { ...encryptionPlan(key, algorithm, context, operation, ctx), blob, context, decoded };
  }
  const key = ctx.catalog.resolve(keyId);
  // As in KMS, a symmetric ciphertext under another key is IncorrectKeyException before the named
  // key's own checks (an HMAC key named for a symmetric blob is the wrong key, not a wrong usage).
  // An RSA ciphertext is never read as a blob: one in 2^32 would start with the blob's magic.
  const decoded = symmetric ? decodeBlob(blob) : null;
  if (decoded) await blobKey(decoded, keyId, ctx);
  const plan = encryptionPlan(key, algorithm, context, operation, ctx);
  if (plan.algorithm.kind === 'aes-gcm' && !decoded) parseBlob(blob);
  return { ...plan, blob, context, decoded };
}

/** Decrypts what sourceKey planned; InvalidCiphertextException / IncorrectKeyException if it fails. */
export async function openCiphertext(plan: OpenPlan, ctx: OperationContext): Promise<Opened> {
  if (plan.algorithm.kind === 'rsa-oaep') {
    return { plaintext: await rsaDecrypt(plan.key, plan.algorithm, plan.blob, ctx) };
  }
  return openBlob(plan.key, plan.decoded ?? parseBlob(plan.blob), plan.context, ctx);
}
