// GetPublicKey: DER SubjectPublicKeyInfo plus what a client needs to use it offline: the key's
// usage and the algorithms of that usage (signing, encryption or key agreement).

import { isAsymmetric, KEY_SPEC_TABLE } from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import { HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import { GRANT_TOKENS, KEY_ID } from './input-schema';
import { assertUsable, servedAlgorithms } from './key-use';
import { defineOperation } from './operation';

export const getPublicKey = defineOperation({
  name: 'GetPublicKey',
  audit: 'use',
  input: { KeyId: KEY_ID, GrantTokens: GRANT_TOKENS },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    {
      name: 'UnsupportedOperationException',
      when: 'The key is a symmetric encryption or HMAC key: only asymmetric keys have a public key.',
    },
    ...KEY_MATERIAL,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    const key = ctx.catalog.resolve(input.KeyId);
    assertUsable(key);
    if (!isAsymmetric(key.record.keySpec)) {
      throw new KmsError(
        'UnsupportedOperationException',
        `${key.arn} is a ${key.record.keySpec} key; only asymmetric keys have a public key.`,
      );
    }
    const spec = KEY_SPEC_TABLE[key.record.keySpec];
    const { spki } = await ctx.catalog.publicKey(key);
    return {
      KeyId: key.arn,
      PublicKey: spki,
      ...(spec.legacyCustomerMasterKeySpec ? { CustomerMasterKeySpec: key.record.keySpec } : {}),
      KeySpec: key.record.keySpec,
      KeyUsage: key.record.keyUsage,
      ...servedAlgorithms(key, ctx),
    };
  },
});
