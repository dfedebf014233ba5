// ReEncrypt through the real SDK on SoftHSM: symmetric → symmetric with a new context,
// symmetric → RSA and RSA (made offline) → symmetric, each result decrypting under its new key
// (the RSA private key never leaves the token, so through QKMS); the source checks are Decrypt's.

import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DryRunOperationException,
  EncryptCommand,
  GetPublicKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
const ids: Record<'a' | 'b' | 'rsa', { id: string; arn: string }> = {} as never;
let rsaSpki: Buffer;

beforeAll(async () => {
  t = await startTestGateway();
  for (const [name, input] of [
    ['a', {}],
    ['b', {}],
    ['rsa', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }],
  ] as const) {
    const made = await t.kms.send(new CreateKeyCommand(input));
    ids[name] = { id: made.KeyMetadata?.KeyId as string, arn: made.KeyMetadata?.Arn as string };
  }
  const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: ids.rsa.id }));
  rsaSpki = Buffer.from(pub.PublicKey as Uint8Array);
});
afterAll(() => t.close());

const bytesOf = (value: Uint8Array | undefined): Buffer => Buffer.from(value as Uint8Array);

describe('ReEncrypt', () => {
  test('symmetric → symmetric moves a blob to another key and context', async () => {
    const source = await t.kms.send(
      new EncryptCommand({
        KeyId: ids.a.id,
        Plaintext: Buffer.from('moving'),
        EncryptionContext: { stage: 'old' },
      }),
    );
    const out = await t.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: source.CiphertextBlob,
        SourceEncryptionContext: { stage: 'old' },
        DestinationKeyId: ids.b.arn,
        DestinationEncryptionContext: { stage: 'new' },
      }),
    );
    expect(out.SourceKeyId).toBe(ids.a.arn);
    expect(out.KeyId).toBe(ids.b.arn);
    expect(out.SourceEncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(out.DestinationEncryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
    expect(out).not.toHaveProperty('Plaintext');
    const blob = bytesOf(out.CiphertextBlob);
    expect(blob.subarray(4, 20).toString('hex')).toBe(ids.b.id.replace(/-/g, ''));
    const back = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { stage: 'new' } }),
    );
    expect(bytesOf(back.Plaintext).toString()).toBe('moving');
    expect(back.KeyId).toBe(ids.b.arn);
    const oldContext = await failure(
      t.kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { stage: 'old' } })),
    );
    expect(oldContext).toBeInstanceOf(InvalidCiphertextException);
  });

  test('symmetric → RSA gives an OAEP ciphertext that decrypts under the RSA key', async () => {
    const source = await t.kms.send(
      new EncryptCommand({
        KeyId: ids.a.id,
        Plaintext: Buffer.from('to rsa'),
        EncryptionContext: { k: 'v' },
      }),
    );
    const out = await t.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: source.CiphertextBlob,
        SourceEncryptionContext: { k: 'v' },
        DestinationKeyId: ids.rsa.id,
        DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    expect(out.KeyId).toBe(ids.rsa.arn);
    expect(out.DestinationEncryptionAlgorithm).toBe('RSAES_OAEP_SHA_256');
    expect(bytesOf(out.CiphertextBlob).length).toBe(256);
    const back = await t.kms.send(
      new DecryptCommand({
        KeyId: ids.rsa.id,
        CiphertextBlob: out.CiphertextBlob,
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    expect(bytesOf(back.Plaintext).toString()).toBe('to rsa');
  });

  test('RSA (made offline with node:crypto) → symmetric with a context', async () => {
    const offline = publicEncrypt(
      {
        key: createPublicKey({ key: rsaSpki, format: 'der', type: 'spki' }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha1',
      },
      Buffer.from('from rsa'),
    );
    const out = await t.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: offline,
        SourceKeyId: ids.rsa.id,
        SourceEncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
        DestinationKeyId: ids.b.id,
        DestinationEncryptionContext: { tenant: 'acme' },
      }),
    );
    expect(out.SourceKeyId).toBe(ids.rsa.arn);
    expect(out.SourceEncryptionAlgorithm).toBe('RSAES_OAEP_SHA_1');
    expect(out.KeyId).toBe(ids.b.arn);
    const back = await t.kms.send(
      new DecryptCommand({
        CiphertextBlob: out.CiphertextBlob,
        EncryptionContext: { tenant: 'acme' },
      }),
    );
    expect(bytesOf(back.Plaintext).toString()).toBe('from rsa');
  });

  test('the source is checked as Decrypt checks it; DryRun stops after every check', async () => {
    const source = await t.kms.send(
      new EncryptCommand({
        KeyId: ids.a.id,
        Plaintext: Buffer.from('x'),
        EncryptionContext: { k: 'v' },
      }),
    );
    const wrongContext = await failure(
      t.kms.send(
        new ReEncryptCommand({ CiphertextBlob: source.CiphertextBlob, DestinationKeyId: ids.b.id }),
      ),
    );
    expect(wrongContext).toBeInstanceOf(InvalidCiphertextException);
    const wrongKey = await failure(
      t.kms.send(
        new ReEncryptCommand({
          CiphertextBlob: source.CiphertextBlob,
          SourceEncryptionContext: { k: 'v' },
          SourceKeyId: ids.b.id,
          DestinationKeyId: ids.b.id,
        }),
      ),
    );
    expect(wrongKey).toBeInstanceOf(IncorrectKeyException);
    const tooLong = await t.kms.send(
      new EncryptCommand({ KeyId: ids.a.id, Plaintext: Buffer.alloc(191) }),
    );
    const limit = await failure(
      t.kms.send(
        new ReEncryptCommand({
          CiphertextBlob: tooLong.CiphertextBlob,
          DestinationKeyId: ids.rsa.id,
          DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
        }),
      ),
    );
    expect([limit.name, limit.message]).toEqual([
      'ValidationException',
      'Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes.',
    ]);
    for (const input of [
      { CiphertextBlob: source.CiphertextBlob, SourceEncryptionContext: { k: 'v' } },
      { SourceKeyId: ids.a.id, DryRunModifiers: ['IGNORE_CIPHERTEXT' as const] },
    ]) {
      const dry = await failure(
        t.kms.send(new ReEncryptCommand({ ...input, DestinationKeyId: ids.b.id, DryRun: true })),
      );
      expect(dry).toBeInstanceOf(DryRunOperationException);
    }
  });
});
