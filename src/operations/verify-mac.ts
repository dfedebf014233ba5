// VerifyMac: the token recomputes and compares; a mismatch is KMSInvalidMacException.

import { KmsError } from '../errors/kms-error';
import { dryRunSucceeded, macPlan } from './key-use';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import { MAC_ERRORS, MAC_MEMBERS } from './mac-input';
import { defineOperation } from './operation';

export const verifyMac = defineOperation({
  name: 'VerifyMac',
  audit: 'use',
  input: { ...MAC_MEMBERS, Mac: { kind: 'blob', required: true, min: 1, max: 6144 } },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...MAC_ERRORS,
    {
      name: 'KMSInvalidMacException',
      when: 'The MAC is not valid for this key, message and algorithm.',
    },
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const algorithm = macPlan(key, input.MacAlgorithm, ctx);
    if (input.DryRun) dryRunSucceeded();
    if (
      !(await ctx.token.verify(key.record.locator, algorithm.mechanism, input.Message, input.Mac))
    ) {
      throw new KmsError(
        'KMSInvalidMacException',
        'The MAC is not valid for this key, message and algorithm.',
      );
    }
    return { KeyId: key.arn, MacValid: true, MacAlgorithm: algorithm.name };
  },
});
