// ReEncrypt: decrypts under the source key and encrypts under the destination key without the
// plaintext ever leaving QKMS, for moving ciphertexts to another key, algorithm or context.

import { KmsError } from '../errors/kms-error';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import {
  CIPHERTEXT,
  CIPHERTEXT_ERRORS,
  DRY_RUN_MODIFIERS,
  ENCRYPTION_ALGORITHM,
  ENCRYPTION_KEY_ERRORS,
  encryptionPlan,
  ignoresCiphertext,
} from './encryption-input';
import { ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './input-schema';
import { dryRunSucceeded } from './key-use';
import { defineOperation } from './operation';
import { openCiphertext, sourceKey } from './open-ciphertext';
import { assertRsaPlaintextFits, rsaEncrypt } from './rsa-encryption';
import { sealWithKey } from './symmetric-encryption';

export const reEncrypt = defineOperation({
  name: 'ReEncrypt',
  audit: 'use',
  input: {
    CiphertextBlob: CIPHERTEXT,
    SourceEncryptionContext: ENCRYPTION_CONTEXT,
    SourceKeyId: { kind: 'string', min: 1, max: 2048 },
    DestinationKeyId: KEY_ID,
    DestinationEncryptionContext: ENCRYPTION_CONTEXT,
    SourceEncryptionAlgorithm: ENCRYPTION_ALGORITHM,
    DestinationEncryptionAlgorithm: ENCRYPTION_ALGORITHM,
    GrantTokens: GRANT_TOKENS,
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
      when: '`CiphertextBlob` is missing (it may be left out only in a DryRun with `DryRunModifiers: [IGNORE_CIPHERTEXT]`, which needs `SourceKeyId`), an RSAES_OAEP source algorithm was given without `SourceKeyId`, or the plaintext is longer than the RSA destination key takes.',
    },
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const destinationKey = ctx.catalog.resolve(input.DestinationKeyId);
    const destination = encryptionPlan(
      destinationKey,
      input.DestinationEncryptionAlgorithm,
      input.DestinationEncryptionContext,
      'ReEncrypt',
      ctx,
    );
    if (ignoresCiphertext(input)) {
      if (input.SourceKeyId === undefined) {
        throw new KmsError(
          'ValidationException',
          'SourceKeyId is required in a DryRun with DryRunModifiers IGNORE_CIPHERTEXT.',
        );
      }
      const sourceEntry = ctx.catalog.resolve(input.SourceKeyId);
      encryptionPlan(
        sourceEntry,
        input.SourceEncryptionAlgorithm,
        input.SourceEncryptionContext,
        'ReEncrypt',
        ctx,
      );
      dryRunSucceeded();
    }
    const source = await sourceKey(
      {
        blob: input.CiphertextBlob,
        keyId: input.SourceKeyId,
        algorithm: input.SourceEncryptionAlgorithm,
        context: input.SourceEncryptionContext,
      },
      'ReEncrypt',
      'SourceKeyId',
      ctx,
    );
    if (input.DryRun) dryRunSucceeded();
    const { plaintext, keyMaterialId: sourceMaterial } = await openCiphertext(source, ctx);
    try {
      const algorithm = destination.algorithm;
      let sealed: { blob: Buffer; keyMaterialId?: string };
      if (algorithm.kind === 'rsa-oaep') {
        assertRsaPlaintextFits(destinationKey, algorithm, plaintext);
        sealed = { blob: await rsaEncrypt(destinationKey, algorithm, plaintext, ctx) };
      } else {
        sealed = await sealWithKey(
          destinationKey,
          plaintext,
          input.DestinationEncryptionContext,
          ctx,
        );
      }
      // The material ids are present only for the symmetric sides, as in AWS KMS.
      return {
        CiphertextBlob: sealed.blob,
        SourceKeyId: source.key.arn,
        KeyId: destinationKey.arn,
        SourceEncryptionAlgorithm: source.algorithm.name,
        DestinationEncryptionAlgorithm: algorithm.name,
        ...(sourceMaterial ? { SourceKeyMaterialId: sourceMaterial } : {}),
        ...(sealed.keyMaterialId ? { DestinationKeyMaterialId: sealed.keyMaterialId } : {}),
      };
    } finally {
      // ReEncrypt never returns the plaintext: wipe it rather than wait for the collector.
      plaintext.fill(0);
    }
  },
});
