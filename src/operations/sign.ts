// Sign: hash in the gateway (unless the client sent a DIGEST), sign in the token, check RSA
// signatures against the public key before they leave, return KMS's encoding (DER for ECDSA).

import { KmsError } from '../errors/kms-error';
import type { AsymmetricKey } from '../keys/key-record';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import { defineOperation, type SelfVerify } from './operation';
import { dryRunSucceeded, signingPlan, type SigningPlan } from './key-use';
import { SIGNING_ERRORS, SIGNING_MEMBERS } from './signing-input';
import { asBuffer } from '../pkcs11/bytes';

/** Refuses a token signature that does not verify: it is counted, logged and never returned. */
function assertConsistent(
  plan: SigningPlan,
  key: AsymmetricKey,
  tokenInput: Buffer,
  signature: Buffer,
  self: SelfVerify,
): void {
  const check = plan.algorithm.selfCheck;
  if (!self.enabled || !check || check(tokenInput, signature, key.publicKey)) return;
  self.failed(plan.algorithm.name);
  throw new KmsError(
    'KMSInternalException',
    'The HSM returned a signature that does not verify; it was withheld. Retry, and report it if it persists.',
  );
}

export const sign = defineOperation({
  name: 'Sign',
  audit: 'use',
  input: SIGNING_MEMBERS,
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...SIGNING_ERRORS,
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
    {
      name: 'KMSInternalException',
      when: 'The HSM returned an RSA signature that does not verify against the public key (`pkcs11.selfVerify`); it was withheld.',
    },
  ],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const messageType = input.MessageType ?? 'RAW';
    const plan = signingPlan(key, input.SigningAlgorithm, messageType, input.Message, ctx);
    if (input.DryRun) dryRunSucceeded();
    const publicKey = await ctx.catalog.publicKey(key);
    const tokenInput = plan.algorithm.tokenInput(input.Message, messageType);
    const raw = await ctx.token.sign(key.record.locator, plan.mechanism, tokenInput);
    const signature = asBuffer(raw);
    assertConsistent(plan, publicKey, tokenInput, signature, ctx.selfVerify);
    return {
      KeyId: key.arn,
      Signature: plan.algorithm.encodeSignature(signature, publicKey.shape),
      SigningAlgorithm: plan.algorithm.name,
    };
  },
});
