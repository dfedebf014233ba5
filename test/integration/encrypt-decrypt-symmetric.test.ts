// Encrypt and Decrypt under SYMMETRIC_DEFAULT keys through the real SDK on SoftHSM: round trips,
// the blob's visible structure, the encryption context's binding, a flipped bit anywhere in a
// blob, key states, key usages, limits, DryRun and the members QKMS refuses.

import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  DisabledException,
  DryRunOperationException,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  type KeySpec,
  type KeyUsageType,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
let keyId: string;
let keyArn: string;

const INVALID_CIPHERTEXT =
  'The ciphertext is not valid: it was not made by this gateway, was changed, or the encryption context differs.';
const INCORRECT_KEY =
  'The key ID in the request does not identify a CMK that can perform this operation.';

async function newKey(
  keySpec?: KeySpec,
  keyUsage?: KeyUsageType,
): Promise<{ id: string; arn: string }> {
  const made = await t.kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: keyUsage }));
  return { id: made.KeyMetadata?.KeyId as string, arn: made.KeyMetadata?.Arn as string };
}

beforeAll(async () => {
  t = await startTestGateway();
  ({ id: keyId, arn: keyArn } = await newKey());
});
afterAll(() => t.close());

const encrypt = (plaintext: Buffer, context?: Record<string, string>, key = keyId) =>
  t.kms.send(new EncryptCommand({ KeyId: key, Plaintext: plaintext, EncryptionContext: context }));
const blobOf = (out: { CiphertextBlob?: Uint8Array }): Buffer =>
  Buffer.from(out.CiphertextBlob as Uint8Array);
const text = (out: { Plaintext?: Uint8Array }): string =>
  Buffer.from(out.Plaintext as Uint8Array).toString();

describe('Encrypt and Decrypt with a SYMMETRIC_DEFAULT key', () => {
  test('a plaintext round-trips without naming the key, and the blob names the key', async () => {
    const plaintext = Buffer.from('the quick brown fox');
    const out = await encrypt(plaintext);
    expect(out.KeyId).toBe(keyArn);
    expect(out.EncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    const blob = blobOf(out);
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

  test('Encrypt and Decrypt accept the key by ARN and by key id, with SYMMETRIC_DEFAULT named', async () => {
    const out = await t.kms.send(
      new EncryptCommand({
        KeyId: keyArn,
        Plaintext: Buffer.from('by arn'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      }),
    );
    const back = await t.kms.send(
      new DecryptCommand({
        CiphertextBlob: out.CiphertextBlob,
        KeyId: keyId,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      }),
    );
    expect(text(back)).toBe('by arn');
  });

  test('two encryptions of one plaintext differ (fresh IV each time)', async () => {
    const a = await encrypt(Buffer.from('same'));
    const b = await encrypt(Buffer.from('same'));
    expect(blobOf(a).subarray(36, 48)).not.toEqual(blobOf(b).subarray(36, 48));
    expect(blobOf(a)).not.toEqual(blobOf(b));
  });

  test('1 and 4096 bytes round-trip; 4097 is refused as AWS refuses it', async () => {
    for (const size of [1, 4096]) {
      const plaintext = Buffer.alloc(size, 0xa5);
      const back = await t.kms.send(
        new DecryptCommand({ CiphertextBlob: (await encrypt(plaintext)).CiphertextBlob }),
      );
      expect(Buffer.from(back.Plaintext as Uint8Array)).toEqual(plaintext);
    }
    const err = await failure(encrypt(Buffer.alloc(4097)));
    expect(err).toHaveProperty('name', 'ValidationException');
    expect(err.message).toBe(
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  test('the encryption context is bound: the same pairs in any order decrypt, others do not', async () => {
    const context = { tenant: 'acme', purpose: 'test', 'ünïcødé 🔑': 'välüe ✓' };
    const out = await encrypt(Buffer.from('bound'), context);
    const decrypt = (ctx?: Record<string, string>) =>
      t.kms.send(
        new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: ctx }),
      );
    const back = await decrypt({ 'ünïcødé 🔑': 'välüe ✓', purpose: 'test', tenant: 'acme' });
    expect(text(back)).toBe('bound');
    for (const wrong of [
      undefined, // missing
      {},
      { tenant: 'acme', purpose: 'test' }, // a pair missing
      { ...context, purpose: 'Test' }, // a value differs by case
      { ...context, Purpose: 'test', purpose: undefined as unknown as string }, // a key differs by case
      { ...context, extra: 'x' }, // an extra pair
    ]) {
      const err = await failure(decrypt(wrong));
      expect(err).toBeInstanceOf(InvalidCiphertextException);
      expect(err.message).toBe(INVALID_CIPHERTEXT);
    }
  });

  test('a blob made without a context does not open with one', async () => {
    const out = await encrypt(Buffer.from('no context'));
    const err = await failure(
      t.kms.send(
        new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { a: 'b' } }),
      ),
    );
    expect(err).toBeInstanceOf(InvalidCiphertextException);
  });

  test('one flipped bit in any byte of a blob fails closed', async () => {
    const context = { purpose: 'tamper' };
    const blob = blobOf(await encrypt(Buffer.from('tamper me!'), context));
    // regions: magic 0-1, version 2, algorithm 3, key id 4-19, material id 20-35, IV 36-47,
    // ciphertext 48-57, tag 58-73
    expect(blob.length).toBe(74);
    for (let i = 0; i < blob.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const changed = Buffer.from(blob);
        changed[i] = (changed[i] as number) ^ bit;
        const bare = await failure(
          t.kms.send(new DecryptCommand({ CiphertextBlob: changed, EncryptionContext: context })),
        );
        expect([i, bare.name, bare.message]).toEqual([
          i,
          'InvalidCiphertextException',
          INVALID_CIPHERTEXT,
        ]);
        // With the key named, a changed key id names another key: IncorrectKeyException.
        const named = await failure(
          t.kms.send(
            new DecryptCommand({
              CiphertextBlob: changed,
              EncryptionContext: context,
              KeyId: keyId,
            }),
          ),
        );
        const keyIdByte = i >= 4 && i < 20;
        expect([i, named.name, named.message]).toEqual(
          keyIdByte
            ? [i, 'IncorrectKeyException', INCORRECT_KEY]
            : [i, 'InvalidCiphertextException', INVALID_CIPHERTEXT],
        );
      }
    }
    // and truncated or extended blobs
    for (const changed of [
      blob.subarray(0, 63),
      blob.subarray(0, blob.length - 1),
      Buffer.concat([blob, Buffer.from([0])]),
    ]) {
      const err = await failure(
        t.kms.send(new DecryptCommand({ CiphertextBlob: changed, EncryptionContext: context })),
      );
      expect(err).toBeInstanceOf(InvalidCiphertextException);
    }
    // the untouched blob still opens
    const back = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }),
    );
    expect(text(back)).toBe('tamper me!');
  });

  test('bytes that are no blob at all are InvalidCiphertextException', async () => {
    const err = await failure(
      t.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a ciphertext') })),
    );
    expect(err).toBeInstanceOf(InvalidCiphertextException);
    expect(err.message).toBe(INVALID_CIPHERTEXT);
  });

  test('Decrypt with the KeyId of another key is IncorrectKeyException, whatever that key is', async () => {
    const out = await encrypt(Buffer.from('mine'));
    const others = [
      await newKey(),
      await newKey('HMAC_256', 'GENERATE_VERIFY_MAC'),
      await newKey('ECC_NIST_P256', 'SIGN_VERIFY'),
    ];
    for (const other of others) {
      const err = await failure(
        t.kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, KeyId: other.id })),
      );
      expect(err).toBeInstanceOf(IncorrectKeyException);
      expect(err.message).toBe(INCORRECT_KEY);
    }
    const right = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, KeyId: keyArn }),
    );
    expect(text(right)).toBe('mine');
  });

  test('a disabled key neither encrypts nor decrypts; a key pending deletion neither', async () => {
    const disabled = await newKey();
    const made = await encrypt(Buffer.from('x'), undefined, disabled.id);
    await t.kms.send(new DisableKeyCommand({ KeyId: disabled.id }));
    for (const call of [
      encrypt(Buffer.from('x'), undefined, disabled.id),
      t.kms.send(new DecryptCommand({ CiphertextBlob: made.CiphertextBlob })),
    ]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(DisabledException);
      expect(err.message).toBe(`${disabled.arn} is disabled.`);
    }
    const pending = await newKey();
    const made2 = await encrypt(Buffer.from('x'), undefined, pending.id);
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.id, PendingWindowInDays: 7 }));
    for (const call of [
      encrypt(Buffer.from('x'), undefined, pending.id),
      t.kms.send(new DecryptCommand({ CiphertextBlob: made2.CiphertextBlob })),
    ]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(KMSInvalidStateException);
      expect(err.message).toBe(`${pending.arn} is pending deletion.`);
    }
  });

  test('keys of other usages, and RSA keys without an RSA algorithm, do not encrypt', async () => {
    const signing = await newKey('ECC_NIST_P256', 'SIGN_VERIFY');
    const hmac = await newKey('HMAC_256', 'GENERATE_VERIFY_MAC');
    for (const [key, usage] of [
      [signing, 'SIGN_VERIFY'],
      [hmac, 'GENERATE_VERIFY_MAC'],
    ] as const) {
      const err = await failure(encrypt(Buffer.from('x'), undefined, key.id));
      expect(err).toBeInstanceOf(InvalidKeyUsageException);
      expect(err.message).toBe(`${key.arn} key usage is ${usage} which is not valid for Encrypt.`);
    }
    const rsa = await newKey('RSA_2048', 'ENCRYPT_DECRYPT');
    const err = await failure(encrypt(Buffer.from('x'), undefined, rsa.id));
    expect(err).toBeInstanceOf(InvalidKeyUsageException);
    expect(err.message).toBe(
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048. Valid algorithms: RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256.',
    );
    const oaep = await failure(
      t.kms.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from('x'),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        }),
      ),
    );
    expect(oaep).toBeInstanceOf(InvalidKeyUsageException);
    expect(oaep.message).toBe(
      'Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT. Valid algorithms: SYMMETRIC_DEFAULT.',
    );
  });

  test('DryRun answers DryRunOperationException after every other check', async () => {
    const out = await encrypt(Buffer.from('dry'));
    for (const call of [
      t.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), DryRun: true })),
      t.kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, DryRun: true })),
      t.kms.send(
        new DecryptCommand({ KeyId: keyId, DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] }),
      ),
    ]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(DryRunOperationException);
      expect(err.message).toBe('The request would have succeeded, but the DryRun option is set.');
    }
    // a DryRun with a blob that is no blob still fails on the blob
    const bad = await failure(
      t.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('nope'), DryRun: true })),
    );
    expect(bad).toBeInstanceOf(InvalidCiphertextException);
  });

  test('Decrypt without a ciphertext, and IGNORE_CIPHERTEXT without a key, are ValidationException', async () => {
    const missing = await failure(t.kms.send(new DecryptCommand({ KeyId: keyId })));
    expect(missing).toHaveProperty('name', 'ValidationException');
    expect(missing.message).toBe(
      "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null",
    );
    const noKey = await failure(
      t.kms.send(new DecryptCommand({ DryRun: true, DryRunModifiers: ['IGNORE_CIPHERTEXT'] })),
    );
    expect(noKey).toHaveProperty('name', 'ValidationException');
    expect(noKey.message).toBe(
      'KeyId is required in a DryRun with DryRunModifiers IGNORE_CIPHERTEXT.',
    );
  });

  test('Decrypt with a Recipient (Nitro attestation) is UnsupportedOperationException', async () => {
    const out = await encrypt(Buffer.from('enclave'));
    const err = await failure(
      t.kms.send(
        new DecryptCommand({
          CiphertextBlob: out.CiphertextBlob,
          Recipient: {
            KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
            AttestationDocument: Buffer.from('document'),
          },
        }),
      ),
    );
    expect(err).toBeInstanceOf(UnsupportedOperationException);
    expect(err.message).toBe(
      'QKMS does not support Recipient: it cannot verify AWS Nitro Enclaves or NitroTPM attestation documents. Leave Recipient out to receive the plaintext.',
    );
  });
});
