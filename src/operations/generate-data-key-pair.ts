// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: an RSA or EC key pair generated in
// the token as extractable session objects, read out and destroyed; the private key leaves as DER
// PKCS#8, sealed under a SYMMETRIC_DEFAULT key (so Decrypt opens it) and, for
// GenerateDataKeyPair, also in plaintext. The public key is DER SubjectPublicKeyInfo.

import { KEY_SPEC_TABLE, type KeySpec } from '../crypto/key-specs';
import { privateKeyPkcs8, type PrivateKeyComponents } from '../crypto/private-key-der';
import { spkiDer } from '../crypto/public-key';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry } from '../keys/key-record';
import type { ExportedKeyPair } from '../pkcs11/token-api';
import { RECIPIENT, RECIPIENT_ERROR, refuseRecipient } from './encryption-input';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_STATE_FOR_USE, type ErrorTable } from './error-tables';
import { ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './input-schema';
import { assertKeyUsage, assertUsable, dryRunSucceeded } from './key-use';
import { defineOperation, type Operation, type OperationContext } from './operation';
import { encryptionPlan } from './encryption-input';
import { sealWithKey } from './symmetric-encryption';
import { asBuffer } from '../pkcs11/bytes';

/** DataKeyPairSpec in botocore's model: SM2 is there, for China Regions only. */
export const DATA_KEY_PAIR_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SM2',
] as const satisfies readonly KeySpec[];

export const DATA_KEY_PAIR_MEMBERS = {
  EncryptionContext: ENCRYPTION_CONTEXT,
  KeyId: KEY_ID,
  KeyPairSpec: { kind: 'string', required: true, enum: DATA_KEY_PAIR_SPECS },
  GrantTokens: GRANT_TOKENS,
  Recipient: RECIPIENT,
  DryRun: { kind: 'boolean' },
} as const;

const ERRORS: ErrorTable = [
  ...KEY_LOOKUP,
  ...KEY_STATE_FOR_USE,
  {
    name: 'InvalidKeyUsageException',
    when: 'The key is not a SYMMETRIC_DEFAULT key with key usage `ENCRYPT_DECRYPT` (the private key is sealed under it).',
  },
  {
    name: 'UnsupportedOperationException',
    when: "`KeyPairSpec` is SM2 or a spec this gateway's HSM cannot generate.",
  },
  ...RECIPIENT_ERROR,
  ...DRY_RUN,
  ...HSM_CALL,
];

/**
 * The key the private key is sealed under, checked as KMS checks it: state first, then usage,
 * then that it is symmetric (an RSA ENCRYPT_DECRYPT key cannot wrap a data key pair).
 */
function wrappingKey(key: KeyEntry, operation: string): void {
  assertUsable(key);
  assertKeyUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (key.record.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError(
      'InvalidKeyUsageException',
      `${key.arn} key KeySpec is ${key.record.keySpec} which is not valid for ${operation}.`,
    );
  }
}

/** Refuses pair specs this gateway cannot generate, with the reason. */
function assertPairSpec(spec: KeySpec, ctx: OperationContext): void {
  if (spec === 'SM2') {
    throw new KmsError(
      'UnsupportedOperationException',
      'KeyPairSpec SM2 is not supported: AWS offers it in China Regions only, and no PKCS#11 token here generates SM2 keys.',
    );
  }
  const capability = ctx.capabilities.keySpec(spec);
  if (!capability.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `KeyPairSpec ${spec} is not available on this gateway's HSM: ${capability.reason}.`,
    );
  }
}

/** The token's raw components as private-key-der.ts takes them. */
function components(pair: ExportedKeyPair): PrivateKeyComponents {
  const part = (name: string): Buffer => {
    const value = pair.privateKey[name];
    if (!value) throw new Error(`the token returned no ${name} for the data key pair`);
    return asBuffer(value);
  };
  const pub = pair.publicKey;
  if (pub.kind === 'rsa') {
    return {
      kind: 'rsa',
      modulus: part('modulus'),
      publicExponent: part('publicExponent'),
      privateExponent: part('privateExponent'),
      prime1: part('prime1'),
      prime2: part('prime2'),
      exponent1: part('exponent1'),
      exponent2: part('exponent2'),
      coefficient: part('coefficient'),
    };
  }
  if (pub.kind !== 'ec') throw new Error(`no data key pairs of kind ${pub.kind}`);
  return {
    kind: 'ec',
    curveOidDer: pub.curveOidDer,
    privateValue: part('value'),
    point: Buffer.from(pub.point),
  };
}

function dataKeyPairOperation(name: string, withPlaintext: boolean): Operation {
  return defineOperation({
    name,
    audit: 'use',
    input: DATA_KEY_PAIR_MEMBERS,
    errors: ERRORS,
    async handle(input, ctx) {
      refuseRecipient(input.Recipient);
      const key = ctx.catalog.resolve(input.KeyId);
      wrappingKey(key, name);
      // What sealing the private key needs: a context that encodes, AES-GCM proved on this HSM.
      encryptionPlan(key, undefined, input.EncryptionContext, name, ctx);
      const spec: KeySpec = input.KeyPairSpec;
      assertPairSpec(spec, ctx);
      if (input.DryRun) dryRunSucceeded();
      const generation = KEY_SPEC_TABLE[spec].generation;
      if (generation.kind !== 'rsa' && generation.kind !== 'ec')
        throw new Error(`${spec} is not an RSA or EC key pair`);
      const pair = await ctx.token.exportKeyPair(generation);
      const pkcs8 = privateKeyPkcs8(components(pair));
      const sealed = await sealWithKey(key, pkcs8, input.EncryptionContext, ctx);
      return {
        PrivateKeyCiphertextBlob: sealed.blob,
        ...(withPlaintext ? { PrivateKeyPlaintext: pkcs8 } : {}),
        PublicKey: spkiDer(pair.publicKey),
        KeyId: key.arn,
        KeyPairSpec: spec,
        KeyMaterialId: sealed.keyMaterialId,
      };
    },
  });
}

export const generateDataKeyPair = dataKeyPairOperation('GenerateDataKeyPair', true);
export const generateDataKeyPairWithoutPlaintext = dataKeyPairOperation(
  'GenerateDataKeyPairWithoutPlaintext',
  false,
);
