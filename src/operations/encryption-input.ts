// The input members Encrypt, Decrypt, ReEncrypt and the GenerateDataKey operations share, the
// checks of them they all answer (key usage, algorithm against key spec, encryption context), and
// the exceptions those checks declare, written once.

import { canonicalContext, type EncryptionContext } from '../crypto/encryption-context';
import {
  ENCRYPTION_ALGORITHM_TABLE,
  ENCRYPTION_ALGORITHMS,
  type EncryptionAlgorithm,
  type EncryptionAlgorithmEntry,
} from '../crypto/encryption-algorithms';
import { KEY_SPEC_TABLE } from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry } from '../keys/key-record';
import type { ErrorTable } from './error-tables';
import { assertKeyUsage, assertUsable } from './key-use';
import type { OperationContext } from './operation';

/**
 * AWS's model also lists SM2PKE (China Regions only): it passes the enum check, as in AWS, and
 * no key here has a spec that allows it, so it ends as InvalidKeyUsageException.
 */
export const ENCRYPTION_ALGORITHM_NAMES = [...ENCRYPTION_ALGORITHMS, 'SM2PKE'] as const;

export const ENCRYPTION_ALGORITHM = { kind: 'string', enum: ENCRYPTION_ALGORITHM_NAMES } as const;
export const PLAINTEXT = { kind: 'blob', required: true, min: 1, max: 4096 } as const;
/** Required except for Decrypt's DryRun with IGNORE_CIPHERTEXT, so checked by the operation. */
export const CIPHERTEXT = { kind: 'blob', min: 1, max: 6144 } as const;

/** Decrypt's and ReEncrypt's DryRunModifiers: IGNORE_CIPHERTEXT checks only the key's side. */
export const DRY_RUN_MODIFIERS = { kind: 'stringList', itemEnum: ['IGNORE_CIPHERTEXT'] } as const;
/** Nitro Enclaves attestation (Decrypt, GenerateDataKey): read only to refuse it. */
export const RECIPIENT = { kind: 'object' } as const;

export const RECIPIENT_ERROR: ErrorTable = [
  {
    name: 'UnsupportedOperationException',
    when: '`Recipient` was given: QKMS does not verify AWS Nitro Enclaves or NitroTPM attestation documents.',
  },
];

/** QKMS cannot verify an attestation document, so it never answers as if it had. */
export function refuseRecipient(recipient: Record<string, unknown> | undefined): void {
  if (recipient !== undefined) {
    throw new KmsError(
      'UnsupportedOperationException',
      'QKMS does not support Recipient: it cannot verify AWS Nitro Enclaves or NitroTPM attestation documents. Leave Recipient out to receive the plaintext.',
    );
  }
}

/** True when a DryRun asks for the key's checks only (DryRunModifiers IGNORE_CIPHERTEXT). */
export function ignoresCiphertext(input: {
  DryRun?: boolean;
  DryRunModifiers?: string[];
}): boolean {
  return input.DryRun === true && (input.DryRunModifiers ?? []).includes('IGNORE_CIPHERTEXT');
}

/** What encryptionPlan refuses, for every operation that encrypts or decrypts. */
export const ENCRYPTION_KEY_ERRORS: ErrorTable = [
  {
    name: 'InvalidKeyUsageException',
    when: "The key's usage is not ENCRYPT_DECRYPT, or the encryption algorithm is not one of its key spec's (SYMMETRIC_DEFAULT for symmetric keys, RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256 for RSA keys).",
  },
  {
    name: 'ValidationException',
    when: 'An encryption context was given with an RSA key (RSA encryption takes none), or a context key or value is longer than 65,535 UTF-8 bytes.',
  },
  {
    name: 'UnsupportedOperationException',
    when: "The algorithm is not available on this gateway's HSM (its mechanism is missing or failed the start-up check).",
  },
];

/** The exceptions a ciphertext that does not open answers (Decrypt, ReEncrypt). */
export const CIPHERTEXT_ERRORS: ErrorTable = [
  {
    name: 'InvalidCiphertextException',
    when: 'The ciphertext was not made by this gateway, was changed, names a key material version that does not exist, or the encryption context differs from the one it was made with.',
  },
  {
    name: 'IncorrectKeyException',
    when: 'The key named in the request is not the key that made the ciphertext, or (RSA) the ciphertext does not decrypt under it.',
  },
];

export interface EncryptionPlan {
  readonly key: KeyEntry;
  readonly algorithm: EncryptionAlgorithmEntry;
}

/** The key usage check's wording names the operation, as AWS's does. */
export function encryptionPlan(
  key: KeyEntry,
  requested: string | undefined,
  context: EncryptionContext | undefined,
  operation: string,
  ctx: OperationContext,
): EncryptionPlan {
  assertUsable(key);
  assertKeyUsage(key, 'ENCRYPT_DECRYPT', operation);
  const name = requested ?? 'SYMMETRIC_DEFAULT';
  const allowed = KEY_SPEC_TABLE[key.record.keySpec].encryptionAlgorithms;
  if (!(allowed as readonly string[]).includes(name)) {
    throw new KmsError(
      'InvalidKeyUsageException',
      `Algorithm ${name} is incompatible with key spec ${key.record.keySpec}. Valid algorithms: ${allowed.join(', ')}.`,
    );
  }
  const algorithm = ENCRYPTION_ALGORITHM_TABLE[name as EncryptionAlgorithm];
  if (algorithm.kind === 'rsa-oaep' && context !== undefined && Object.keys(context).length > 0) {
    throw new KmsError(
      'ValidationException',
      `EncryptionContext is not supported with asymmetric KMS keys: ${key.arn} is a ${key.record.keySpec} key.`,
    );
  }
  assertContextEncodes(context);
  const capability = ctx.capabilities.encryption(algorithm.name);
  if (!capability.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `${algorithm.name} is not available on this gateway's HSM: ${capability.reason}.`,
    );
  }
  return { key, algorithm };
}

/**
 * Refuses a context that has no canonical encoding (encryption-context.ts): a lone UTF-16
 * surrogate, which UTF-8 cannot carry, would otherwise share its AAD with U+FFFD.
 */
export function assertContextEncodes(context: EncryptionContext | undefined): void {
  try {
    canonicalContext(context);
  } catch (err) {
    throw new KmsError(
      'ValidationException',
      `EncryptionContext is not valid: ${err instanceof RangeError ? err.message : 'it cannot be encoded'}.`,
    );
  }
}
