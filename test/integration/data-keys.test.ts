// GenerateDataKey and GenerateDataKeyWithoutPlaintext through the real SDK on SoftHSM: the data
// key encrypts locally with node:crypto, its sealed copy decrypts back to it through Decrypt with
// the same context only, and the length, key and DryRun rules are AWS's.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  DisabledException,
  DryRunOperationException,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
let keyId: string;
let keyArn: string;

beforeAll(async () => {
  t = await startTestGateway();
  const made = await t.kms.send(new CreateKeyCommand({}));
  keyId = made.KeyMetadata?.KeyId as string;
  keyArn = made.KeyMetadata?.Arn as string;
});
afterAll(() => t.close());

const bytesOf = (value: Uint8Array | undefined): Buffer => Buffer.from(value as Uint8Array);

describe('GenerateDataKey', () => {
  test('an AES_256 data key encrypts with node:crypto and its blob decrypts back to it', async () => {
    const context = { bucket: 'invoices', object: '2024/01.pdf' };
    const out = await t.kms.send(
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    expect(out.KeyId).toBe(keyArn);
    const dataKey = bytesOf(out.Plaintext);
    expect(dataKey.length).toBe(32);

    // envelope encryption, all local: AES-256-GCM with the data key
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    const sealed = Buffer.concat([cipher.update('the document'), cipher.final()]);
    const tag = cipher.getAuthTag();

    // later: the stored blob gives the data key back, with the same context only
    const back = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context }),
    );
    expect(back.KeyId).toBe(keyArn);
    const recovered = bytesOf(back.Plaintext);
    expect(recovered).toEqual(dataKey);
    const decipher = createDecipheriv('aes-256-gcm', recovered, iv);
    decipher.setAuthTag(tag);
    expect(Buffer.concat([decipher.update(sealed), decipher.final()]).toString()).toBe(
      'the document',
    );
    const wrong = await failure(
      t.kms.send(
        new DecryptCommand({
          CiphertextBlob: out.CiphertextBlob,
          EncryptionContext: { ...context, object: '2024/02.pdf' },
        }),
      ),
    );
    expect(wrong).toBeInstanceOf(InvalidCiphertextException);
  });

  test('AES_128 gives 16 bytes; NumberOfBytes 1 and 1024 give that many; keys differ', async () => {
    const lengths: [Partial<{ KeySpec: 'AES_128'; NumberOfBytes: number }>, number][] = [
      [{ KeySpec: 'AES_128' }, 16],
      [{ NumberOfBytes: 1 }, 1],
      [{ NumberOfBytes: 1024 }, 1024],
    ];
    for (const [ask, length] of lengths) {
      const out = await t.kms.send(new GenerateDataKeyCommand({ KeyId: keyId, ...ask }));
      const dataKey = bytesOf(out.Plaintext);
      expect(dataKey.length).toBe(length);
      const back = await t.kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
      expect(bytesOf(back.Plaintext)).toEqual(dataKey);
    }
    const a = await t.kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    const b = await t.kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    expect(bytesOf(a.Plaintext)).not.toEqual(bytesOf(b.Plaintext));
  });

  test('NumberOfBytes out of 1–1024, both or neither of KeySpec and NumberOfBytes: ValidationException', async () => {
    const cases: [object, string][] = [
      [
        { NumberOfBytes: 0 },
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
      ],
      [
        { NumberOfBytes: 1025 },
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024",
      ],
      [
        { KeySpec: 'AES_512' },
        "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]",
      ],
      [
        { KeySpec: 'AES_256', NumberOfBytes: 32 },
        'Please specify either number of bytes or key spec.',
      ],
      [{}, 'Please specify either number of bytes or key spec.'],
    ];
    for (const [ask, message] of cases) {
      for (const Command of [GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand]) {
        const err = await failure(t.kms.send(new Command({ KeyId: keyId, ...ask })));
        expect([err.name, err.message]).toEqual(['ValidationException', message]);
      }
    }
  });

  test('key state, key usage, DryRun and Recipient are answered as AWS answers them', async () => {
    const hmac = await t.kms.send(
      new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }),
    );
    const rsa = await t.kms.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }),
    );
    const disabled = await t.kms.send(new CreateKeyCommand({}));
    await t.kms.send(new DisableKeyCommand({ KeyId: disabled.KeyMetadata?.KeyId }));
    const pending = await t.kms.send(new CreateKeyCommand({}));
    await t.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: pending.KeyMetadata?.KeyId, PendingWindowInDays: 7 }),
    );
    const expectations: [string | undefined, object, string, string][] = [
      [
        hmac.KeyMetadata?.KeyId,
        {},
        InvalidKeyUsageException.name,
        `${hmac.KeyMetadata?.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey.`,
      ],
      [
        rsa.KeyMetadata?.KeyId,
        {},
        InvalidKeyUsageException.name,
        'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048. Valid algorithms: RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256.',
      ],
      [
        disabled.KeyMetadata?.KeyId,
        {},
        DisabledException.name,
        `${disabled.KeyMetadata?.Arn} is disabled.`,
      ],
      [
        pending.KeyMetadata?.KeyId,
        {},
        KMSInvalidStateException.name,
        `${pending.KeyMetadata?.Arn} is pending deletion.`,
      ],
      [
        keyId,
        { DryRun: true },
        DryRunOperationException.name,
        'The request would have succeeded, but the DryRun option is set.',
      ],
    ];
    for (const [id, extra, name, message] of expectations) {
      const err = await failure(
        t.kms.send(new GenerateDataKeyCommand({ KeyId: id, NumberOfBytes: 32, ...extra })),
      );
      expect([err.name, err.message]).toEqual([name, message]);
    }
    const recipient = await failure(
      t.kms.send(
        new GenerateDataKeyCommand({
          KeyId: keyId,
          KeySpec: 'AES_256',
          Recipient: { AttestationDocument: Buffer.from('doc') },
        }),
      ),
    );
    expect(recipient).toBeInstanceOf(UnsupportedOperationException);
  });
});

describe('GenerateDataKeyWithoutPlaintext', () => {
  test('returns only the blob, which Decrypt opens to a key of the asked length', async () => {
    const context = { purpose: 'later' };
    const out = await t.kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({
        KeyId: keyArn,
        KeySpec: 'AES_256',
        EncryptionContext: context,
      }),
    );
    expect(out.KeyId).toBe(keyArn);
    expect(out).not.toHaveProperty('Plaintext');
    expect(bytesOf(out.CiphertextBlob).length).toBe(32 + 64);
    const back = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: context }),
    );
    const dataKey = bytesOf(back.Plaintext);
    expect(dataKey.length).toBe(32);
    // it is a working AES-256 key for node:crypto
    const cipher = createCipheriv('aes-256-gcm', dataKey, randomBytes(12));
    expect(Buffer.concat([cipher.update('x'), cipher.final()]).length).toBe(1);
  });

  test('DryRun answers DryRunOperationException', async () => {
    const err = await failure(
      t.kms.send(
        new GenerateDataKeyWithoutPlaintextCommand({
          KeyId: keyId,
          KeySpec: 'AES_128',
          DryRun: true,
        }),
      ),
    );
    expect(err).toBeInstanceOf(DryRunOperationException);
  });
});
