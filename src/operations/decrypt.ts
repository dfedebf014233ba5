// Decrypt: a SYMMETRIC_DEFAULT blob (which names its key, so KeyId is optional) or an RSAES-OAEP
// ciphertext (which does not, so KeyId and EncryptionAlgorithm are required, as in KMS).

import { KmsError } from '../errors/kms-error';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import {
  CIPHERTEXT,
  CIPHERTEXT_ERRORS,
  DRY_RUN_MODIFIERS,
  ENCRYPTION_ALGORITHM,
  ENCRYPTION_KEY_ERRORS,
  RECIPIENT,
  RECIPIENT_ERROR,
  encryptionPlan,
  ignoresCiphertext,
  refuseRecipient,
} from './encryption-input';
import { GRANT_TOKENS, ENCRYPTION_CONTEXT } from './input-schema';
import { dryRunSucceeded } from './key-use';
import { defineOperation } from './operation';
import { openCiphertext, sourceKey } from './open-ciphertext';

export const decrypt = defineOperation({
  name: 'Decrypt',
  audit: 'use',
  input: {
    CiphertextBlob: CIPHERTEXT,
    EncryptionContext: ENCRYPTION_CONTEXT,
    GrantTokens: GRANT_TOKENS,
    KeyId: { kind: 'string', min: 1, max: 2048 },
    EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
    Recipient: RECIPIENT,
    DryRun: { kind: 'boolean' },
    DryRunModifiers: DRY_RUN_MODIFIERS,
  },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...ENCRYPTION_KEY_ERRORS,
    ...CIPHERTEXT_ERRORS,
    {
      name: 'ValidationException',
      when: '`CiphertextBlob` is missing (it may be left out only in a DryRun with `DryRunModifiers: [IGNORE_CIPHERTEXT]`, which needs `KeyId`), or an RSAES_OAEP algorithm was given without `KeyId`.',
    },
    ...RECIPIENT_ERROR,
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    refuseRecipient(input.Recipient);
    const context = input.EncryptionContext;
    if (ignoresCiphertext(input)) {
      if (input.KeyId === undefined) {
        throw new KmsError(
          'ValidationException',
          'KeyId is required in a DryRun with DryRunModifiers IGNORE_CIPHERTEXT.',
        );
      }
      const key = ctx.catalog.resolve(input.KeyId);
      encryptionPlan(key, input.EncryptionAlgorithm, context, 'Decrypt', ctx);
      dryRunSucceeded();
    }
    const source = {
      blob: input.CiphertextBlob,
      keyId: input.KeyId,
      algorithm: input.EncryptionAlgorithm,
      context,
    };
    const plan = await sourceKey(source, 'Decrypt', 'KeyId', ctx);
    if (input.DryRun) dryRunSucceeded();
    const opened = await openCiphertext(plan, ctx);
    return {
      KeyId: plan.key.arn,
      Plaintext: opened.plaintext,
      EncryptionAlgorithm: plan.algorithm.name,
      // Present for symmetric ciphertexts only, as in AWS KMS.
      ...(opened.keyMaterialId ? { KeyMaterialId: opened.keyMaterialId } : {}),
    };
  },
});
