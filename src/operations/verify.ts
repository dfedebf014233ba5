// Verify: in the token, with the key's public key object. A bad signature is the error
// KMSInvalidSignatureException, never SignatureValid: false. The message type need not be the
// one used at Sign: RAW and DIGEST lead to the same token input.

import { KmsError } from '../errors/kms-error';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import { defineOperation } from './operation';
import { dryRunSucceeded, signingPlan } from './key-use';
import { SIGNING_ERRORS, SIGNING_MEMBERS } from './signing-input';

const invalid = (): KmsError =>
  new KmsError(
    'KMSInvalidSignatureException',
    'The signature is not valid for this key, message and algorithm.',
  );

export const verify = defineOperation({
  name: 'Verify',
  audit: 'use',
  input: { ...SIGNING_MEMBERS, Signature: { kind: 'blob', required: true, min: 1, max: 6144 } },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...SIGNING_ERRORS,
    {
      name: 'KMSInvalidSignatureException',
      when: 'The signature is not valid for this key, message and algorithm (or is not a well-formed signature).',
    },
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const messageType = input.MessageType ?? 'RAW';
    const plan = signingPlan(key, input.SigningAlgorithm, messageType, input.Message, ctx);
    if (input.DryRun) dryRunSucceeded();
    const { shape } = await ctx.catalog.publicKey(key);
    const tokenSignature = plan.algorithm.decodeSignature(input.Signature, shape);
    if (!tokenSignature) throw invalid();
    const data = plan.algorithm.tokenInput(input.Message, messageType);
    if (!(await ctx.token.verify(key.record.locator, plan.mechanism, data, tokenSignature)))
      throw invalid();
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: plan.algorithm.name };
  },
});
