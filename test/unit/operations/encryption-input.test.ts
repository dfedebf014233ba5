// The checks every encryption operation goes through, in order, on plain objects: key usage,
// algorithm against key spec, encryption context, then what the HSM proved it can do
// (UnsupportedOperationException, which SoftHSM never causes, so it is provoked here).

import type { Capabilities } from '../../../src/crypto/capabilities';
import type { KeySpec } from '../../../src/crypto/key-specs';
import { KmsError } from '../../../src/errors/kms-error';
import type { KeyEntry } from '../../../src/keys/key-record';
import { makeDataKey } from '../../../src/operations/data-key';
import { encryptionPlan } from '../../../src/operations/encryption-input';
import type { OperationContext } from '../../../src/operations/operation';

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555';

function key(keySpec: KeySpec, keyUsage = 'ENCRYPT_DECRYPT'): KeyEntry {
  return {
    record: {
      keyId: '11111111-2222-3333-4444-555555555555',
      keySpec,
      keyUsage,
      description: '',
      state: 'Enabled',
      creationDate: 0,
      origin: 'AWS_KMS',
      tags: [],
      locator: { idHex: '01' },
    },
    arn: ARN,
    aliases: [],
    source: 'store',
  } as KeyEntry;
}

const refused = { ok: false, reason: 'not in this test' } as const;
const capabilities = (served: boolean): Capabilities => ({
  algorithm: () => refused,
  mac: () => refused,
  keySpec: () => refused,
  encryption: () => (served ? { ok: true, oaep: 'token' } : refused),
  keyAgreement: () => refused,
  random: () => refused,
});
const context = (served: boolean, entry?: KeyEntry) =>
  ({
    capabilities: capabilities(served),
    catalog: { resolve: () => entry },
  }) as unknown as OperationContext;

function refusal(run: () => unknown): [string, string] {
  try {
    run();
  } catch (err) {
    if (err instanceof KmsError) return [err.name, err.message];
    throw err;
  }
  throw new Error('the request was accepted');
}

describe('encryptionPlan', () => {
  it('answers UnsupportedOperationException for an algorithm the HSM did not prove, after every other check', () => {
    expect(
      refusal(() =>
        encryptionPlan(key('SYMMETRIC_DEFAULT'), undefined, undefined, 'Encrypt', context(false)),
      ),
    ).toEqual([
      'UnsupportedOperationException',
      "SYMMETRIC_DEFAULT is not available on this gateway's HSM: not in this test.",
    ]);
    // a request invalid in itself is answered first, whatever the HSM can do
    expect(
      refusal(() =>
        encryptionPlan(key('RSA_2048'), 'RSAES_OAEP_SHA_1', { a: 'b' }, 'Encrypt', context(false)),
      ),
    ).toEqual([
      'ValidationException',
      `EncryptionContext is not supported with asymmetric KMS keys: ${ARN} is a RSA_2048 key.`,
    ]);
  });

  it('refuses SM2PKE, which AWS accepts as a value, on every key here', () => {
    expect(
      refusal(() => encryptionPlan(key('RSA_2048'), 'SM2PKE', undefined, 'Encrypt', context(true))),
    ).toEqual([
      'InvalidKeyUsageException',
      'Algorithm SM2PKE is incompatible with key spec RSA_2048. Valid algorithms: RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256.',
    ]);
  });

  it('refuses a context with a lone surrogate, which has no UTF-8 form', () => {
    expect(
      refusal(() =>
        encryptionPlan(
          key('SYMMETRIC_DEFAULT'),
          undefined,
          { k: '\ud800' },
          'Encrypt',
          context(true),
        ),
      ),
    ).toEqual([
      'ValidationException',
      'EncryptionContext is not valid: encryption context value is not well-formed Unicode.',
    ]);
  });

  it('names the operation when the key usage is wrong, as AWS does', () => {
    expect(
      refusal(() =>
        encryptionPlan(
          key('HMAC_256', 'GENERATE_VERIFY_MAC'),
          undefined,
          undefined,
          'ReEncrypt',
          context(true),
        ),
      ),
    ).toEqual([
      'InvalidKeyUsageException',
      `${ARN} key usage is GENERATE_VERIFY_MAC which is not valid for ReEncrypt.`,
    ]);
  });
});

describe('makeDataKey', () => {
  it('answers UnsupportedOperationException when the HSM random number generator failed its check', async () => {
    const ctx = context(true, key('SYMMETRIC_DEFAULT'));
    await expect(
      makeDataKey({ KeyId: 'k', KeySpec: 'AES_256' }, 'GenerateDataKeyWithoutPlaintext', ctx),
    ).rejects.toMatchObject({
      name: 'UnsupportedOperationException',
      message:
        "Data keys need the HSM's random number generator, which is not available: not in this test.",
    });
  });
});
