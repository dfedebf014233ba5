// Decrypt: a SYMMETRIC_DEFAULT blob (which names its key, so KeyId is optional) or an RSAES-OAEP
// ciphertext (which does not, so KeyId and EncryptionAlgorithm are required, as in KMS).

import { KmsError } from '../errors/kms-error';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import {
  CIPHERTEXT,
  CIPHERTEXT_ERRORS,
  ENCRYPTION_ALGORITHM,
  ENCRYPTION_KEY_ERRORS,
  encryptionPlan,
} from './encryption-input';
import { GRANT_TOKENS, ENCRYPTION_CONTEXT } from './input-schema';
import { dryRunSucceeded } from './key-use';
import { defineOperation } from './operation';
import { rsaDecrypt } from './rsa-encryption';
import { blobKey, openBlob, parseBlob } from './symmetric-encryption';

export const decrypt = defineOperation({
  name: 'Decrypt',
  audit: 'use',
  input: {
    CiphertextBlob: CIPHERTEXT,
    EncryptionContext: ENCRYPTION_CONTEXT,
    GrantTokens: GRANT_TOKENS,
    KeyId: { kind: 'string', min: 1, max: 2048 },
    EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
    DryRun: { kind: 'boolean' },
  },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...ENCRYPTION_KEY_ERRORS,
    ...CIPHERTEXT_ERRORS,
    {
      name: 'ValidationException',
      when: '`CiphertextBlob` is missing, or an RSAES_OAEP algorithm was given without `KeyId` (an RSA ciphertext does not name its key).',
    },
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const blob = input.CiphertextBlob;
    if (blob === undefined) {
      throw new KmsError(
        'ValidationException',
        "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
      );
    }
    const context = input.EncryptionContext;
    const requested = input.EncryptionAlgorithm;
    if (input.KeyId === undefined) {
      if (requested !== undefined && requested !== 'SYMMETRIC_DEFAULT') {
        throw new KmsError(
          'ValidationException',
          `KeyId is required to decrypt with ${requested}: an asymmetric ciphertext does not name its key.`,
        );
      }
      const decoded = parseBlob(blob);
      const key = blobKey(decoded, undefined, ctx);
      const { algorithm } = encryptionPlan(key, requested, context, 'Decrypt', ctx);
      if (input.DryRun) dryRunSucceeded();
      const plaintext = await openBlob(key, decoded, context, ctx);
      return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm.name };
    }
    const key = ctx.catalog.resolve(input.KeyId);
    const { algorithm } = encryptionPlan(key, requested, context, 'Decrypt', ctx);
    if (algorithm.kind === 'rsa-oaep') {
      if (input.DryRun) dryRunSucceeded();
      const plaintext = await rsaDecrypt(key, algorithm, blob, ctx);
      return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm.name };
    }
    const decoded = parseBlob(blob);
    blobKey(decoded, input.KeyId, ctx);
    if (input.DryRun) dryRunSucceeded();
    const plaintext = await openBlob(key, decoded, context, ctx);
    return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: algorithm.name };
  },
});
