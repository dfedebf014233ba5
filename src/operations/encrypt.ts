// Encrypt: up to 4096 bytes under a SYMMETRIC_DEFAULT key (QKMS's AES-256-GCM blob, the
// encryption context bound in) or an RSA ENCRYPT_DECRYPT key (a plain RSAES-OAEP ciphertext).

import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import {
  ENCRYPTION_ALGORITHM,
  ENCRYPTION_KEY_ERRORS,
  PLAINTEXT,
  encryptionPlan,
} from './encryption-input';
import { GRANT_TOKENS, ENCRYPTION_CONTEXT, KEY_ID } from './input-schema';
import { dryRunSucceeded } from './key-use';
import { defineOperation } from './operation';
import { assertRsaPlaintextFits, rsaEncrypt } from './rsa-encryption';
import { sealWithKey } from './symmetric-encryption';

export const encrypt = defineOperation({
  name: 'Encrypt',
  audit: 'use',
  input: {
    KeyId: KEY_ID,
    Plaintext: PLAINTEXT,
    EncryptionContext: ENCRYPTION_CONTEXT,
    GrantTokens: GRANT_TOKENS,
    EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
    DryRun: { kind: 'boolean' },
  },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...ENCRYPTION_KEY_ERRORS,
    {
      name: 'ValidationException',
      when: 'With an RSA key, the plaintext is longer than RSAES-OAEP fits in the key (RSA_2048: 214 bytes with SHA-1, 190 with SHA-256; RSA_3072: 342/318; RSA_4096: 470/446).',
    },
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const context = input.EncryptionContext;
    const { algorithm } = encryptionPlan(key, input.EncryptionAlgorithm, context, 'Encrypt', ctx);
    if (algorithm.kind === 'rsa-oaep') {
      assertRsaPlaintextFits(key, algorithm, input.Plaintext);
      if (input.DryRun) dryRunSucceeded();
      const blob = await rsaEncrypt(key, algorithm, input.Plaintext, ctx);
      return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm.name };
    }
    if (input.DryRun) dryRunSucceeded();
    // AWS KMS's Encrypt answer names no key material (GenerateDataKey's does).
    const { blob } = await sealWithKey(key, input.Plaintext, context, ctx);
    return { CiphertextBlob: blob, KeyId: key.arn, EncryptionAlgorithm: algorithm.name };
  },
});
