// Builds the audit line for one request from what the protocol layer knows: who asked, from
// where, which operation and key, how it ended. The message itself never enters the line.

import { createHash } from 'node:crypto';
import { keyIdOfBlob } from '../crypto/ciphertext-blob';
import type { AuditEvent } from '../audit/audit-trail';
import type { KmsError } from '../errors/kms-error';
import type { KeyCatalog } from '../keys/key-catalog';
import { TokenError } from '../pkcs11/token-error';

export interface AuditContext {
  readonly requestId: string;
  readonly principal: string | null;
  readonly source: string | null;
  readonly operation: string;
  readonly input: Record<string, unknown> | undefined;
  readonly output: Record<string, unknown> | undefined;
  readonly error: KmsError | undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The ARN of the key the request was about, if it names one that exists. */
function keyArnOf(
  ctx: AuditContext,
  catalog: KeyCatalog,
  keyId: string | undefined,
): string | null {
  const fromOutput =
    text(ctx.output?.KeyId) ??
    text((ctx.output?.KeyMetadata as Record<string, unknown> | undefined)?.Arn);
  if (fromOutput?.startsWith('arn:')) return fromOutput;
  if (keyId === undefined) return null;
  try {
    return catalog.resolve(keyId).arn;
  } catch {
    return null;
  }
}

export function auditEvent(ctx: AuditContext, catalog: KeyCatalog): AuditEvent {
  const input = ctx.input ?? {};
  const aliasName = text(input.AliasName);
  // A symmetric ciphertext names its key: a Decrypt without KeyId (or a ReEncrypt without
  // SourceKeyId) still says on its line, failed or not, which key it was about.
  const blobKeyId =
    input.CiphertextBlob instanceof Buffer
      ? (keyIdOfBlob(input.CiphertextBlob) ?? undefined)
      : undefined;
  const reEncrypt = ctx.operation === 'ReEncrypt';
  const keyId =
    text(input.KeyId) ??
    text(input.TargetKeyId) ??
    text(input.DestinationKeyId) ??
    aliasName ??
    (reEncrypt ? undefined : blobKeyId);
  const sourceKeyArn = reEncrypt
    ? (text(ctx.output?.SourceKeyId) ??
      keyArnOf({ ...ctx, output: undefined }, catalog, text(input.SourceKeyId) ?? blobKeyId) ??
      undefined)
    : undefined;
  const message = input.Message instanceof Buffer ? input.Message : undefined;
  // Encryption operations: the algorithm that ran (the answer names it even where the request
  // left the default), else the one asked for; ReEncrypt's is the destination's.
  const algorithm =
    text(input.SigningAlgorithm) ??
    text(input.MacAlgorithm) ??
    text(ctx.output?.DestinationEncryptionAlgorithm) ??
    text(ctx.output?.EncryptionAlgorithm) ??
    text(input.DestinationEncryptionAlgorithm) ??
    text(input.EncryptionAlgorithm);
  const cause = ctx.error?.cause;
  return {
    time: new Date().toISOString(),
    requestId: ctx.requestId,
    principal: ctx.principal,
    source: ctx.source,
    operation: ctx.operation,
    keyArn: keyArnOf(ctx, catalog, keyId),
    keyId: keyId ?? null,
    ...(sourceKeyArn?.startsWith('arn:') ? { sourceKeyArn } : {}),
    ...(aliasName ? { aliasName } : {}),
    ...(algorithm ? { algorithm } : {}),
    ...(message && input.SigningAlgorithm ? { messageType: text(input.MessageType) ?? 'RAW' } : {}),
    ...(message ? { messageSha256: createHash('sha256').update(message).digest('hex') } : {}),
    outcome: ctx.error ? 'failure' : 'success',
    ...(ctx.error ? { error: ctx.error.name } : {}),
    ...(cause instanceof TokenError ? { ckr: cause.ckr } : {}),
  };
}
