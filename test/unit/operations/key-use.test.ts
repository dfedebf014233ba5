// The order of the checks a Sign or Verify request goes through: a request invalid in itself is a
// ValidationException whatever the HSM can do; capability errors come only after it.
// The key and the context are plain objects: nothing here reaches a token.

import type { Capabilities } from '../../../src/crypto/capabilities';
import type { KeySpec } from '../../../src/crypto/key-specs';
import type { MessageType, SigningAlgorithm } from '../../../src/crypto/signing-algorithms';
import type { KeyEntry } from '../../../src/keys/key-record';
import { KmsError } from '../../../src/errors/kms-error';
import { macPlan, signingPlan } from '../../../src/operations/key-use';
import type { OperationContext } from '../../../src/operations/operation';

function key(keySpec: KeySpec): KeyEntry {
  return {
    record: {
      keyId: '11111111-2222-3333-4444-555555555555',
      keySpec,
      keyUsage: keySpec.startsWith('HMAC_') ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY',
      description: '',
      state: 'Enabled',
      creationDate: 0,
      origin: 'AWS_KMS',
      tags: [],
      locator: { idHex: '01' },
    },
    arn: 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555',
    aliases: [],
    source: 'store',
  };
}

const nothingServed: Capabilities = {
  algorithm: () => ({ ok: false, reason: 'not in this test' }),
  mac: () => ({ ok: false, reason: 'not in this test' }),
  keySpec: () => ({ ok: false, reason: 'not in this test' }),
  encryption: () => ({ ok: false, reason: 'not in this test' }),
  keyAgreement: () => ({ ok: false, reason: 'not in this test' }),
  random: () => ({ ok: false, reason: 'not in this test' }),
};
const ctx = { capabilities: nothingServed } as unknown as OperationContext;

function refusal(
  spec: KeySpec,
  algorithm: SigningAlgorithm,
  type: MessageType,
  message: Buffer,
): [string, string] {
  try {
    signingPlan(key(spec), algorithm, type, message, ctx);
  } catch (err) {
    if (err instanceof KmsError) return [err.name, err.message];
    throw err;
  }
  throw new Error('the request was accepted');
}

describe('signingPlan', () => {
  it('answers an external mu of the wrong length with ValidationException before the capability check', () => {
    expect(refusal('ML_DSA_65', 'ML_DSA_SHAKE_256', 'EXTERNAL_MU', Buffer.alloc(32))).toEqual([
      'ValidationException',
      'External mu must be 64 bytes for algorithm ML_DSA_SHAKE_256.',
    ]);
  });

  it('reaches the capability check with a 64-byte external mu', () => {
    expect(refusal('ML_DSA_65', 'ML_DSA_SHAKE_256', 'EXTERNAL_MU', Buffer.alloc(64))[0]).toBe(
      'UnsupportedOperationException',
    );
  });

  it('answers a digest of the wrong length with ValidationException before the capability check', () => {
    expect(refusal('ECC_NIST_P256', 'ECDSA_SHA_256', 'DIGEST', Buffer.alloc(31))).toEqual([
      'ValidationException',
      'Digest is invalid length for algorithm ECDSA_SHA_256.',
    ]);
  });

  it('answers a message type the algorithm never takes with ValidationException first', () => {
    expect(refusal('ML_DSA_65', 'ML_DSA_SHAKE_256', 'DIGEST', Buffer.alloc(64))).toEqual([
      'ValidationException',
      'MessageType DIGEST is not valid for ML_DSA_SHAKE_256. Valid message types: RAW, EXTERNAL_MU.',
    ]);
  });

  it('names the missing capability for a request valid against AWS KMS', () => {
    expect(refusal('ECC_NIST_P256', 'ECDSA_SHA_256', 'RAW', Buffer.from('m'))).toEqual([
      'UnsupportedOperationException',
      "ECDSA_SHA_256 is not available on this gateway's HSM: not in this test.",
    ]);
  });
});

describe('macPlan', () => {
  it('names the missing capability when the HSM lacks the HMAC mechanism', () => {
    let refused: unknown;
    try {
      macPlan(key('HMAC_256'), 'HMAC_SHA_256', ctx);
    } catch (err) {
      refused = err;
    }
    expect(refused).toMatchObject({
      name: 'UnsupportedOperationException',
      message: "HMAC_SHA_256 is not available on this gateway's HSM: not in this test.",
    });
  });
});
