// Encrypt and Decrypt under SYMMETRIC_DEFAULT keys through the real SDK on SoftHSM: round trips,
// the blob's visible structure, the encryption context's binding, and the key checks.

import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
let keyId: string;
let keyArn: string;

beforeAll(async () => {
  t = await startTestGateway();
  const made = await t.kms.send(new CreateKeyCommand({ Description: 'symmetric encryption' }));
  keyId = made.KeyMetadata?.KeyId as string;
  keyArn = made.KeyMetadata?.Arn as string;
});
afterAll(() => t.close());

const encrypt = (plaintext: Buffer, context?: Record<string, string>, key = keyId) =>
  t.kms.send(new EncryptCommand({ KeyId: key, Plaintext: plaintext, EncryptionContext: context }));

describe('Encrypt and Decrypt with a SYMMETRIC_DEFAULT key', () => {
  test('a plaintext round-trips without naming the key, and the blob names the key', async () => {
    const plaintext = Buffer.from('the quick brown fox');
    const out = await encrypt(plaintext);
    expect(out.KeyId).toBe(keyArn);
    expect(out.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const blob = Buffer.from(out.CiphertextBlob as Uint8Array);
    // header (36) + IV (12) + ciphertext + tag (16); the plaintext itself is not in it
    expect(blob.length).toBe(plaintext.length + 64);
    expect(blob.subarray(0, 4)).toEqual(Buffer.from([0x51, 0x4b, 1, 1]));
    expect(blob.subarray(4, 20).toString('hex')).toBe(keyId.replace(/-/g, ''));
    expect(blob.includes(plaintext)).toBe(false);

    const back = await t.kms.send(new DecryptCommand({ CiphertextBlob: blob }));
    expect(Buffer.from(back.Plaintext as Uint8Array)).toEqual(plaintext);
    expect(back.KeyId).toBe(keyArn);
    expect(back.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
  });

  test('two encryptions of one plaintext differ (fresh IV each time)', async () => {
    const a = await encrypt(Buffer.from('same'));
    const b = await encrypt(Buffer.from('same'));
    expect(Buffer.from(a.CiphertextBlob as Uint8Array)).not.toEqual(
      Buffer.from(b.CiphertextBlob as Uint8Array),
    );
  });

  test('the encryption context is bound: the same pairs in any order decrypt, others do not', async () => {
    const context = { tenant: 'acme', purpose: 'test' };
    const out = await encrypt(Buffer.from('bound'), context);
    const decrypt = (ctx?: Record<string, string>) =>
      t.kms.send(
        new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: ctx }),
      );
    const back = await decrypt({ purpose: 'test', tenant: 'acme' });
    expect(Buffer.from(back.Plaintext as Uint8Array).toString()).toBe('bound');
    for (const wrong of [
      undefined,
      { tenant: 'acme' },
      { tenant: 'acme', purpose: 'Test' },
      { tenant: 'acme', purpose: 'test', extra: 'x' },
    ]) {
      const err = await failure(decrypt(wrong));
      expect(err).toBeInstanceOf(InvalidCiphertextException);
      expect(err.message).toBe(
        'The ciphertext is not valid: it was not made by this gateway, was changed, or the encryption context differs.',
      );
    }
  });

  test('Decrypt with the KeyId of another key is IncorrectKeyException', async () => {
    const other = await t.kms.send(new CreateKeyCommand({}));
    const out = await encrypt(Buffer.from('mine'));
    const err = await failure(
      t.kms.send(
        new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, KeyId: other.KeyMetadata?.KeyId }),
      ),
    );
    expect(err).toBeInstanceOf(IncorrectKeyException);
    expect(err.message).toBe(
      'The key ID in the request does not identify the KMS key that encrypted the ciphertext.',
    );
    const right = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, KeyId: keyArn }),
    );
    expect(Buffer.from(right.Plaintext as Uint8Array).toString()).toBe('mine');
  });
});
