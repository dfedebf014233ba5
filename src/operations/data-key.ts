// What GenerateDataKey and GenerateDataKeyWithoutPlaintext share: the data key's length (KeySpec
// or NumberOfBytes, exactly one), its bytes from the token's C_GenerateRandom, and its copy
// sealed under the KMS key with the encryption context, as Encrypt would seal it.

import type { EncryptionContext } from '../crypto/encryption-context';
import { KmsError } from '../errors/kms-error';
import {
  DRY_RUN,
  HSM_CALL,
  KEY_LOOKUP,
  KEY_MATERIAL,
  KEY_STATE_FOR_USE,
  type ErrorTable,
} from './error-tables';
import { ENCRYPTION_KEY_ERRORS, encryptionPlan } from './encryption-input';
import { ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './input-schema';
import { dryRunSucceeded } from './key-use';
import type { OperationContext } from './operation';
import { sealWithKey } from './symmetric-encryption';
import { asBuffer } from '../pkcs11/bytes';

export const DATA_KEY_SPECS = ['AES_256', 'AES_128'] as const;
const SPEC_BYTES: Readonly<Record<(typeof DATA_KEY_SPECS)[number], number>> = {
  AES_256: 32,
  AES_128: 16,
};

export const DATA_KEY_MEMBERS = {
  KeyId: KEY_ID,
  EncryptionContext: ENCRYPTION_CONTEXT,
  NumberOfBytes: { kind: 'integer', min: 1, max: 1024 },
  KeySpec: { kind: 'string', enum: DATA_KEY_SPECS },
  GrantTokens: GRANT_TOKENS,
  DryRun: { kind: 'boolean' },
} as const;

export const DATA_KEY_ERRORS: ErrorTable = [
  {
    name: 'ValidationException',
    when: 'Both or neither of `KeySpec` and `NumberOfBytes` were given.',
  },
  ...KEY_LOOKUP,
  ...KEY_STATE_FOR_USE,
  ...ENCRYPTION_KEY_ERRORS,
  {
    name: 'UnsupportedOperationException',
    when: "The HSM's random number generator (`C_GenerateRandom`) failed the start-up check.",
  },
  ...KEY_MATERIAL,
  ...DRY_RUN,
  ...HSM_CALL,
];

export interface DataKeyRequest {
  KeyId: string;
  EncryptionContext?: EncryptionContext;
  NumberOfBytes?: number;
  KeySpec?: (typeof DATA_KEY_SPECS)[number];
  DryRun?: boolean;
}

export interface DataKey {
  readonly keyArn: string;
  readonly plaintext: Buffer;
  readonly ciphertextBlob: Buffer;
  readonly keyMaterialId: string;
}

/** The data key's length; AWS's one message for both and for neither. */
function dataKeyBytes(request: DataKeyRequest): number {
  const { KeySpec, NumberOfBytes } = request;
  if ((KeySpec === undefined) === (NumberOfBytes === undefined)) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  return KeySpec !== undefined ? SPEC_BYTES[KeySpec] : (NumberOfBytes as number);
}

/** Makes a data key in the token and seals it under the KMS key; the caller decides what leaves. */
export async function makeDataKey(
  request: DataKeyRequest,
  operation: string,
  ctx: OperationContext,
): Promise<DataKey> {
  const bytes = dataKeyBytes(request);
  const key = ctx.catalog.resolve(request.KeyId);
  const context = request.EncryptionContext;
  encryptionPlan(key, undefined, context, operation, ctx);
  const random = ctx.capabilities.random();
  if (!random.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `Data keys need the HSM's random number generator, which is not available: ${random.reason}.`,
    );
  }
  if (request.DryRun) dryRunSucceeded();
  const fresh = await ctx.token.generateRandom(bytes);
  const plaintext = asBuffer(fresh);
  const sealed = await sealWithKey(key, plaintext, context, ctx);
  return {
    keyArn: key.arn,
    plaintext,
    ciphertextBlob: sealed.blob,
    keyMaterialId: sealed.keyMaterialId,
  };
}
