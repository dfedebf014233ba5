// Sign: hash in the gateway (unless the client sent a DIGEST), sign in the token, return the
// signature in KMS's encoding (DER for ECDSA).

import { defineOperation } from './operation';
import { dryRunSucceeded, signingPlan } from './key-use';
import { SIGNING_MEMBERS } from './signing-input';

export const sign = defineOperation({
  name: 'Sign',
  audit: 'use',
  input: SIGNING_MEMBERS,
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const messageType = input.MessageType ?? 'RAW';
    const plan = signingPlan(key, input.SigningAlgorithm, messageType, input.Message, ctx);
    if (input.DryRun) dryRunSucceeded();
    const raw = await ctx.token.sign(
      key.record.locator,
      plan.mechanism,
      plan.algorithm.tokenInput(input.Message, messageType),
    );
    return {
      KeyId: key.arn,
      Signature: plan.algorithm.encodeSignature(
        Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
        plan.key.shape,
      ),
      SigningAlgorithm: plan.algorithm.name,
    };
  },
});
