// CreateKey: every key generated in the token (symmetric encryption, signing, encryption and
// key agreement pairs, HMAC). Imported or external key material and multi-Region keys are not
// served.

import type { Capabilities, Capability } from '../crypto/capabilities';
import {
  KEY_SPEC_TABLE,
  KEY_SPECS,
  KEY_USAGES,
  type KeySpec,
  type KeyUsage,
} from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import { HSM_CALL, METADATA_CHANGE } from './error-tables';
import { TAGS } from './input-schema';
import { keyMetadata } from './key-metadata';
import { defineOperation } from './operation';
import { assertTagCount, assertValidTags, TAG_ERRORS } from './tags';

const ORIGINS = ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const;

const unsupported = (message: string): KmsError =>
  new KmsError('UnsupportedOperationException', message);

/** Whether this token can make and use a key of this spec and usage (capability probe). */
export function keyKindUsable(
  capabilities: Capabilities,
  keySpec: KeySpec,
  keyUsage: KeyUsage,
): Capability {
  const generation = capabilities.keySpec(keySpec);
  if (!generation.ok) return generation;
  const entry = KEY_SPEC_TABLE[keySpec];
  const proved = (c: Capability) => c.ok;
  switch (keyUsage) {
    case 'ENCRYPT_DECRYPT': {
      const first = entry.encryptionAlgorithms.map((a) => capabilities.encryption(a));
      return first.find(proved) ?? first[0] ?? generation;
    }
    case 'KEY_AGREEMENT': {
      const first = entry.keyAgreementAlgorithms.map((a) => capabilities.keyAgreement(a, keySpec));
      return first.find(proved) ?? first[0] ?? generation;
    }
    default:
      return generation;
  }
}

export const createKey = defineOperation({
  name: 'CreateKey',
  audit: 'change',
  input: {
    Policy: { kind: 'string', min: 1, max: 131072 },
    Description: { kind: 'string', min: 0, max: 8192 },
    KeyUsage: { kind: 'string', enum: KEY_USAGES },
    CustomerMasterKeySpec: { kind: 'string', enum: KEY_SPECS },
    KeySpec: { kind: 'string', enum: KEY_SPECS },
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
      when: "`Origin` is not AWS_KMS, a custom key store or `MultiRegion` is asked for, or this gateway's HSM cannot generate the key spec or use it for the key usage.",
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
    const spec = KEY_SPEC_TABLE[keySpec];
    if (!spec.keyUsages.includes(keyUsage)) {
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
    const capability = keyKindUsable(ctx.capabilities, keySpec, keyUsage);
    if (!capability.ok)
      throw unsupported(
        `${keySpec} keys with KeyUsage ${keyUsage} are not available on this gateway's HSM: ${capability.reason}.`,
      );
    const tags = input.Tags ?? [];
    assertValidTags(tags);
    assertTagCount(tags);
    const entry = await ctx.store.createKey(
      { keySpec, keyUsage, description: input.Description ?? '', tags },
      caller,
    );
    return { KeyMetadata: keyMetadata(entry, ctx) };
  },
});
