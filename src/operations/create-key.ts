// CreateKey: signing key pairs and HMAC keys generated in the token. Symmetric encryption,
// key agreement, imported or external key material and multi-Region keys are not served.

import { KEY_SPEC_TABLE, KEY_SPECS, isKeySpec } from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import { HSM_CALL, METADATA_CHANGE } from './error-tables';
import { TAGS } from './input-schema';
import { keyMetadata } from './key-metadata';
import { defineOperation } from './operation';
import { assertTagCount, assertValidTags, TAG_ERRORS } from './tags';

const KEY_USAGES = [
  'SIGN_VERIFY',
  'ENCRYPT_DECRYPT',
  'GENERATE_VERIFY_MAC',
  'KEY_AGREEMENT',
] as const;
const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;
const ALL_KEY_SPECS = ['SYMMETRIC_DEFAULT', ...KEY_SPECS] as const;

const unsupported = (message: string): KmsError =>
  new KmsError('UnsupportedOperationException', message);

export const createKey = defineOperation({
  name: 'CreateKey',
  audit: 'change',
  input: {
    Policy: { kind: 'string', min: 1, max: 131072 },
    Description: { kind: 'string', min: 0, max: 8192 },
    KeyUsage: { kind: 'string', enum: KEY_USAGES },
    CustomerMasterKeySpec: { kind: 'string', enum: ALL_KEY_SPECS },
    KeySpec: { kind: 'string', enum: ALL_KEY_SPECS },
    Origin: { kind: 'string', enum: ORIGINS },
    CustomKeyStoreId: { kind: 'string', min: 1, max: 64 },
    BypassPolicyLockoutSafetyCheck: { kind: 'boolean' },
    Tags: TAGS,
    MultiRegion: { kind: 'boolean' },
    XksKeyId: { kind: 'string', min: 1, max: 128 },
  },
  errors: [
    {
      name: 'UnsupportedOperationException',
      when: "The key would be a symmetric encryption or key agreement key, `Origin` is not AWS_KMS, a custom key store or `MultiRegion` is asked for, or this gateway's HSM cannot generate the key spec.",
    },
    {
      name: 'ValidationException',
      when: '`KeySpec` and `CustomerMasterKeySpec` are both given, or `KeyUsage` does not suit the key spec.',
    },
    ...TAG_ERRORS,
    ...METADATA_CHANGE,
    ...HSM_CALL.filter((e) => e.name === 'ThrottlingException'),
  ],
  async handle(input, ctx, caller) {
    if (input.KeySpec && input.CustomerMasterKeySpec) {
      throw new KmsError(
        'ValidationException',
        'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
      );
    }
    const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    const keyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
    if (!isKeySpec(keySpec)) {
      throw unsupported(
        'QKMS does not create SYMMETRIC_DEFAULT (encryption) keys: it is a signing gateway. Use an asymmetric KeySpec with KeyUsage SIGN_VERIFY, or HMAC_* with GENERATE_VERIFY_MAC.',
      );
    }
    if (keyUsage === 'ENCRYPT_DECRYPT' || keyUsage === 'KEY_AGREEMENT') {
      throw unsupported(
        `QKMS serves signing and MAC keys only; KeyUsage ${keyUsage} is not supported. Use SIGN_VERIFY or GENERATE_VERIFY_MAC.`,
      );
    }
    const spec = KEY_SPEC_TABLE[keySpec];
    if (spec.keyUsage !== keyUsage) {
      throw new KmsError(
        'ValidationException',
        `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}.`,
      );
    }
    if ((input.Origin ?? 'AWS_KMS') !== 'AWS_KMS')
      throw unsupported(
        `Origin ${input.Origin} is not supported: key material is always generated in the HSM.`,
      );
    if (input.CustomKeyStoreId || input.XksKeyId)
      throw unsupported('Custom key stores are not supported.');
    if (input.MultiRegion) throw unsupported('Multi-Region keys are not supported.');
    const capability = ctx.capabilities.keySpec(keySpec);
    if (!capability.ok)
      throw unsupported(
        `${keySpec} keys are not available on this gateway's HSM: ${capability.reason}.`,
      );
    const tags = input.Tags ?? [];
    assertValidTags(tags);
    assertTagCount(tags);
    const entry = await ctx.store.createKey(
      { keySpec, description: input.Description ?? '', tags },
      caller,
    );
    return { KeyMetadata: keyMetadata(entry, ctx) };
  },
});
