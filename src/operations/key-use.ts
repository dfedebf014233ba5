// The checks every use of a key goes through, in the order KMS applies them: key state, key
// usage, algorithm against key spec, message type and length, then what this HSM can do (a
// request invalid in itself gets its ValidationException even where the HSM lacks the algorithm).

import type { EncryptionAlgorithm } from '../crypto/encryption-algorithms';
import type { KeyAgreementAlgorithm } from '../crypto/key-agreement-algorithms';
import { KEY_SPEC_TABLE } from '../crypto/key-specs';
import {
  MAC_ALGORITHM_TABLE,
  type MacAlgorithm,
  type MacAlgorithmEntry,
} from '../crypto/mac-algorithms';
import {
  SIGNING_ALGORITHM_TABLE,
  type MessageType,
  type SigningAlgorithm,
  type SigningAlgorithmEntry,
} from '../crypto/signing-algorithms';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry, KeyMetadataRecord } from '../keys/key-record';
import type { MechanismSpec } from '../pkcs11/mechanism-spec';
import type { OperationContext } from './operation';

/** ML-DSA's message representative (FIPS 204 mu) is 64 bytes. */
const EXTERNAL_MU_BYTES = 64;

/** Refuses keys that are disabled or pending deletion. */
export function assertUsable(key: KeyEntry): void {
  if (key.record.state === 'Disabled') {
    throw new KmsError('DisabledException', `${key.arn} is disabled.`);
  }
  assertNotPendingDeletion(key.record, key.arn);
}

/** Checked on the catalog's entry first, and again in a change on the newest record. */
export function assertNotPendingDeletion(
  record: Pick<KeyMetadataRecord, 'state'>,
  arn: string,
): void {
  if (record.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${arn} is pending deletion.`);
  }
}

export function assertKeyUsage(
  key: KeyEntry,
  usage: KeyEntry['record']['keyUsage'],
  purpose: string,
): void {
  if (key.record.keyUsage !== usage) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${key.arn} key usage is ${key.record.keyUsage} which is not valid for ${purpose}.`,
    );
  }
}

/** Signing algorithms of this key that the token has proved it can do. */
export function servedSigningAlgorithms(key: KeyEntry, ctx: OperationContext): SigningAlgorithm[] {
  return KEY_SPEC_TABLE[key.record.keySpec].signingAlgorithms.filter(
    (a) => ctx.capabilities.algorithm(a).ok,
  );
}

/** Encryption algorithms of this key that the token has proved it can do. */
export function servedEncryptionAlgorithms(
  key: KeyEntry,
  ctx: OperationContext,
): EncryptionAlgorithm[] {
  return KEY_SPEC_TABLE[key.record.keySpec].encryptionAlgorithms.filter(
    (a) => ctx.capabilities.encryption(a).ok,
  );
}

/** Key agreement algorithms of this key that the token has proved it can do. */
export function servedKeyAgreementAlgorithms(
  key: KeyEntry,
  ctx: OperationContext,
): KeyAgreementAlgorithm[] {
  return KEY_SPEC_TABLE[key.record.keySpec].keyAgreementAlgorithms.filter(
    (a) => ctx.capabilities.keyAgreement(a, key.record.keySpec).ok,
  );
}

/**
 * The algorithm lists DescribeKey and GetPublicKey report: those of the key's usage only (an
 * RSA key that signs lists no encryption algorithms, as in KMS).
 */
export function servedAlgorithms(key: KeyEntry, ctx: OperationContext): Record<string, string[]> {
  switch (key.record.keyUsage) {
    case 'SIGN_VERIFY':
      return { SigningAlgorithms: servedSigningAlgorithms(key, ctx) };
    case 'GENERATE_VERIFY_MAC':
      return { MacAlgorithms: servedMacAlgorithms(key, ctx) };
    case 'ENCRYPT_DECRYPT':
      return { EncryptionAlgorithms: servedEncryptionAlgorithms(key, ctx) };
    case 'KEY_AGREEMENT':
      return { KeyAgreementAlgorithms: servedKeyAgreementAlgorithms(key, ctx) };
  }
}

/** MAC algorithms of this key that the token has proved it can do. */
export function servedMacAlgorithms(key: KeyEntry, ctx: OperationContext): MacAlgorithm[] {
  return KEY_SPEC_TABLE[key.record.keySpec].macAlgorithms.filter((a) => ctx.capabilities.mac(a).ok);
}

export interface SigningPlan {
  readonly algorithm: SigningAlgorithmEntry;
  readonly mechanism: MechanismSpec;
}

/** Checks a Sign/Verify request against the key; returns what to run. */
export function signingPlan(
  key: KeyEntry,
  algorithm: SigningAlgorithm,
  messageType: MessageType,
  message: Buffer,
  ctx: OperationContext,
): SigningPlan {
  assertUsable(key);
  assertKeyUsage(key, 'SIGN_VERIFY', 'signing');
  const spec = KEY_SPEC_TABLE[key.record.keySpec];
  if (!spec.signingAlgorithms.includes(algorithm)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${key.record.keySpec}. Valid algorithms: ${spec.signingAlgorithms.join(', ')}.`,
    );
  }
  // A request invalid in itself is answered as AWS KMS would, whatever this HSM can do: the
  // capability checks come after the message checks.
  const entry = SIGNING_ALGORITHM_TABLE[algorithm];
  if (!entry.messageTypes.includes(messageType)) {
    throw new KmsError(
      'ValidationException',
      `MessageType ${messageType} is not valid for ${algorithm}. Valid message types: ${entry.messageTypes.join(', ')}.`,
    );
  }
  if (messageType === 'DIGEST' && message.length !== entry.digestLength) {
    throw new KmsError(
      'ValidationException',
      `Digest is invalid length for algorithm ${algorithm}.`,
    );
  }
  if (messageType === 'EXTERNAL_MU' && message.length !== EXTERNAL_MU_BYTES) {
    throw new KmsError(
      'ValidationException',
      `External mu must be ${EXTERNAL_MU_BYTES} bytes for algorithm ${algorithm}.`,
    );
  }
  const capability = ctx.capabilities.algorithm(algorithm);
  if (!capability.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${algorithm} is not available on this gateway's HSM: ${capability.reason}.`,
    );
  }
  if ('unavailable' in entry.mechanism) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${algorithm} needs ${entry.mechanism.unavailable}.`,
    );
  }
  return { algorithm: entry, mechanism: entry.mechanism };
}

/** Checks a GenerateMac/VerifyMac request against the key; returns the MAC algorithm to run. */
export function macPlan(
  key: KeyEntry,
  algorithm: MacAlgorithm,
  ctx: OperationContext,
): MacAlgorithmEntry {
  assertUsable(key);
  assertKeyUsage(key, 'GENERATE_VERIFY_MAC', 'MAC operations');
  const allowed = KEY_SPEC_TABLE[key.record.keySpec].macAlgorithms;
  if (!allowed.includes(algorithm)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${key.record.keySpec}. Valid algorithms: ${allowed.join(', ')}.`,
    );
  }
  const capability = ctx.capabilities.mac(algorithm);
  if (!capability.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${algorithm} is not available on this gateway's HSM: ${capability.reason}.`,
    );
  }
  return MAC_ALGORITHM_TABLE[algorithm];
}

export function dryRunSucceeded(): never {
  throw new KmsError(
    'DryRunOperationException',
    'The request would have succeeded, but the DryRun option is set.',
  );
}
