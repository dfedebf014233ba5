// GenerateMac: HMAC in the token with the key's secret, which never leaves it.

import { dryRunSucceeded, macPlan } from './key-use';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import { MAC_ERRORS, MAC_MEMBERS } from './mac-input';
import { defineOperation } from './operation';

export const generateMac = defineOperation({
  name: 'GenerateMac',
  audit: 'use',
  input: MAC_MEMBERS,
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    ...MAC_ERRORS,
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    const algorithm = macPlan(key, input.MacAlgorithm, ctx);
    if (input.DryRun) dryRunSucceeded();
    const mac = await ctx.token.sign(key.record.locator, algorithm.mechanism, input.Message);
    return { Mac: mac, MacAlgorithm: algorithm.name, KeyId: key.arn };
  },
});
