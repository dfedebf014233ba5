// The checks every use of a key goes through, in the order KMS applies them: key state, key
// usage, algorithm against key spec, what the token can do, then message type and length.

import type {
  SigningAlgorithmEntry,
  MessageType,
  SigningAlgorithm,
} from '../crypto/signing-algorithms';
import { SIGNING_ALGORITHM_TABLE } from '../crypto/signing-algorithms';
import { KEY_SPEC_TABLE } from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry } from '../keys/key-record';
import type { OperationContext } from './operation';

/** Refuses keys that are disabled or pending deletion. */
export function assertUsable(key: KeyEntry): void {
  if (key.record.state === 'Disabled')
    throw new KmsError('DisabledException', `${key.arn} is disabled.`);
  if (key.record.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
}

/** Signing algorithms of this key that the token has proved it can do. */
export function servedSigningAlgorithms(key: KeyEntry, ctx: OperationContext): SigningAlgorithm[] {
  return KEY_SPEC_TABLE[key.record.keySpec].signingAlgorithms.filter(
    (a) => ctx.capabilities.algorithm(a).ok,
  );
}

/** Checks a Sign/Verify request against the key; returns the algorithm entry to run. */
export function signingPlan(
  key: KeyEntry,
  algorithm: SigningAlgorithm,
  messageType: MessageType,
  message: Buffer,
  ctx: OperationContext,
): SigningAlgorithmEntry & {
  readonly mechanism: Exclude<SigningAlgorithmEntry['mechanism'], { unavailable: string }>;
} {
  assertUsable(key);
  const spec = KEY_SPEC_TABLE[key.record.keySpec];
  if (key.record.keyUsage !== 'SIGN_VERIFY') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${key.arn} key usage is ${key.record.keyUsage} which is not valid for signing.`,
    );
  }
  if (!spec.signingAlgorithms.includes(algorithm)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${algorithm} is incompatible with key spec ${key.record.keySpec}. Valid algorithms: ${spec.signingAlgorithms.join(', ')}.`,
    );
  }
  const capability = ctx.capabilities.algorithm(algorithm);
  if (!capability.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${algorithm} is not available on this gateway's HSM: ${capability.reason}.`,
    );
  }
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
  if ('unavailable' in entry.mechanism) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${algorithm} needs ${entry.mechanism.unavailable}.`,
    );
  }
  return entry as ReturnType<typeof signingPlan>;
}

export function dryRunSucceeded(): never {
  throw new KmsError(
    'DryRunOperationException',
    'The request would have succeeded, but the DryRun option is set.',
  );
}
