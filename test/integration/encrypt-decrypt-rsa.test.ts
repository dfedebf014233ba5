// Encrypt and Decrypt under RSA keys with KeyUsage ENCRYPT_DECRYPT through the real SDK on
// SoftHSM: plain RSAES-OAEP ciphertexts both ways for each algorithm and key size, ciphertexts
// made offline (node:crypto, openssl) decrypting through QKMS, AWS's plaintext limits, and the
// cases an RSA ciphertext does not decrypt.

import { execFileSync } from 'node:child_process';
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  IncorrectKeyException,
  InvalidKeyUsageException,
  type EncryptionAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

type RsaSpec = 'RSA_2048' | 'RSA_3072' | 'RSA_4096';
const SPECS: readonly RsaSpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096'];
const ALGORITHMS = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const;
/** AWS's documented limits (API_Encrypt): k − 2·hLen − 2. */
const LIMITS: Record<RsaSpec, Record<(typeof ALGORITHMS)[number], number>> = {
  RSA_2048: { RSAES_OAEP_SHA_1: 214, RSAES_OAEP_SHA_256: 190 },
  RSA_3072: { RSAES_OAEP_SHA_1: 342, RSAES_OAEP_SHA_256: 318 },
  RSA_4096: { RSAES_OAEP_SHA_1: 470, RSAES_OAEP_SHA_256: 446 },
};
const HASH = { RSAES_OAEP_SHA_1: 'sha1', RSAES_OAEP_SHA_256: 'sha256' } as const;
const INCORRECT_KEY =
  'The key ID in the request does not identify a CMK that can perform this operation.';

let t: TestGateway;
const keys = new Map<RsaSpec, { id: string; arn: string; spki: Buffer }>();
let scratch: string;

beforeAll(async () => {
  t = await startTestGateway();
  scratch = mkdtempSync(join(tmpdir(), 'qkms-rsa-'));
  for (const spec of SPECS) {
    const made = await t.kms.send(
      new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'ENCRYPT_DECRYPT' }),
    );
    const id = made.KeyMetadata?.KeyId as string;
    const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: id }));
    keys.set(spec, {
      id,
      arn: made.KeyMetadata?.Arn as string,
      spki: Buffer.from(pub.PublicKey as Uint8Array),
    });
  }
}, 120_000);
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await t.close();
});

const key = (spec: RsaSpec) => keys.get(spec) as { id: string; arn: string; spki: Buffer };
const encrypt = (
  spec: RsaSpec,
  algorithm: EncryptionAlgorithmSpec | undefined,
  plaintext: Buffer,
) =>
  t.kms.send(
    new EncryptCommand({
      KeyId: key(spec).id,
      Plaintext: plaintext,
      EncryptionAlgorithm: algorithm,
    }),
  );
const decrypt = (spec: RsaSpec, algorithm: EncryptionAlgorithmSpec, blob: Uint8Array) =>
  t.kms.send(
    new DecryptCommand({
      KeyId: key(spec).id,
      CiphertextBlob: blob,
      EncryptionAlgorithm: algorithm,
    }),
  );
const bytesOf = (value: Uint8Array | undefined): Buffer => Buffer.from(value as Uint8Array);

describe.each(SPECS)('%s', (spec) => {
  const modulusBytes = Number(spec.slice(4)) / 8;

  test.each(ALGORITHMS)(
    '%s: QKMS ciphertexts are k bytes, differ each time and decrypt',
    async (algorithm) => {
      const plaintext = Buffer.from(`secret for ${spec} ${algorithm}`);
      const a = await encrypt(spec, algorithm, plaintext);
      const b = await encrypt(spec, algorithm, plaintext);
      expect(a.KeyId).toBe(key(spec).arn);
      expect(a.EncryptionAlgorithm).toBe(algorithm);
      expect(bytesOf(a.CiphertextBlob).length).toBe(modulusBytes);
      // OAEP is randomised: the same plaintext never gives the same ciphertext
      expect(bytesOf(a.CiphertextBlob)).not.toEqual(bytesOf(b.CiphertextBlob));
      // QKMS's decryption is the standard one (the offline tests below prove it), and a standard
      // OAEP decoder accepting these checks their lHash, padding and separator: valid OAEP.
      for (const blob of [a.CiphertextBlob, b.CiphertextBlob]) {
        const back = await decrypt(spec, algorithm, blob as Uint8Array);
        expect(bytesOf(back.Plaintext)).toEqual(plaintext);
        expect(back.KeyId).toBe(key(spec).arn);
        expect(back.EncryptionAlgorithm).toBe(algorithm);
      }
    },
  );

  test.each(ALGORITHMS)(
    '%s: a node:crypto publicEncrypt ciphertext decrypts through QKMS',
    async (algorithm) => {
      const plaintext = Buffer.from(`made offline for ${spec}`);
      const offline = publicEncrypt(
        {
          key: createPublicKey({ key: key(spec).spki, format: 'der', type: 'spki' }),
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: HASH[algorithm],
        },
        plaintext,
      );
      const back = await decrypt(spec, algorithm, offline);
      expect(bytesOf(back.Plaintext)).toEqual(plaintext);
    },
  );

  test.each(ALGORITHMS)(
    '%s: an openssl pkeyutl ciphertext decrypts through QKMS',
    async (algorithm) => {
      const plaintext = Buffer.from(`openssl for ${spec} ${algorithm}`);
      const pub = join(scratch, `${spec}.der`);
      const input = join(scratch, `${spec}-${algorithm}.in`);
      const output = join(scratch, `${spec}-${algorithm}.out`);
      writeFileSync(pub, key(spec).spki);
      writeFileSync(input, plaintext);
      execFileSync('openssl', [
        'pkeyutl',
        '-encrypt',
        '-pubin',
        '-keyform',
        'DER',
        '-inkey',
        pub,
        '-pkeyopt',
        'rsa_padding_mode:oaep',
        '-pkeyopt',
        `rsa_oaep_md:${HASH[algorithm]}`,
        '-pkeyopt',
        `rsa_mgf1_md:${HASH[algorithm]}`,
        '-in',
        input,
        '-out',
        output,
      ]);
      const back = await decrypt(spec, algorithm, readFileSync(output));
      expect(bytesOf(back.Plaintext)).toEqual(plaintext);
    },
  );

  test.each(ALGORITHMS)(
    '%s: the plaintext limit is AWS’s; one byte more is refused',
    async (algorithm) => {
      const limit = LIMITS[spec][algorithm];
      const atLimit = Buffer.alloc(limit, 0x5a);
      const out = await encrypt(spec, algorithm, atLimit);
      expect(
        bytesOf((await decrypt(spec, algorithm, out.CiphertextBlob as Uint8Array)).Plaintext),
      ).toEqual(atLimit);
      const err = await failure(encrypt(spec, algorithm, Buffer.alloc(limit + 1)));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(
        `Algorithm ${algorithm} and key spec ${spec} cannot encrypt data larger than ${limit} bytes.`,
      );
    },
  );
});

describe('RSA ciphertexts that do not decrypt', () => {
  let blob: Buffer;
  beforeAll(async () => {
    blob = bytesOf(
      (await encrypt('RSA_2048', 'RSAES_OAEP_SHA_256', Buffer.from('rsa'))).CiphertextBlob,
    );
  });

  test('with the other OAEP hash, under another key, changed, or cut: IncorrectKeyException', async () => {
    const flipped = Buffer.from(blob);
    flipped[100] = (flipped[100] as number) ^ 1;
    const maxed = Buffer.alloc(blob.length, 0xff); // larger than the modulus
    const cases = [
      () => decrypt('RSA_2048', 'RSAES_OAEP_SHA_1', blob),
      () => decrypt('RSA_3072', 'RSAES_OAEP_SHA_256', blob),
      () => decrypt('RSA_2048', 'RSAES_OAEP_SHA_256', flipped),
      () => decrypt('RSA_2048', 'RSAES_OAEP_SHA_256', blob.subarray(1)),
      () => decrypt('RSA_2048', 'RSAES_OAEP_SHA_256', maxed),
    ];
    for (const [i, call] of cases.entries()) {
      const err = await failure(call());
      expect([i, err.name, err.message]).toEqual([i, 'IncorrectKeyException', INCORRECT_KEY]);
      expect(err).toBeInstanceOf(IncorrectKeyException);
    }
  });

  test('without KeyId, or with the default algorithm, it is refused as AWS refuses it', async () => {
    const noKey = await failure(
      t.kms.send(
        new DecryptCommand({ CiphertextBlob: blob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }),
      ),
    );
    expect(noKey.name).toBe('ValidationException');
    expect(noKey.message).toBe(
      'KeyId is required to decrypt with RSAES_OAEP_SHA_256: an asymmetric ciphertext does not name its key.',
    );
    const noAlgorithm = await failure(
      t.kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: key('RSA_2048').id })),
    );
    expect(noAlgorithm).toBeInstanceOf(InvalidKeyUsageException);
    expect(noAlgorithm.message).toBe(
      'Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048. Valid algorithms: RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256.',
    );
  });

  test('an encryption context is refused with an RSA key', async () => {
    const err = await failure(
      t.kms.send(
        new EncryptCommand({
          KeyId: key('RSA_2048').id,
          Plaintext: Buffer.from('x'),
          EncryptionAlgorithm: 'RSAES_OAEP_SHA_1',
          EncryptionContext: { purpose: 'test' },
        }),
      ),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      `EncryptionContext is not supported with asymmetric KMS keys: ${key('RSA_2048').arn} is a RSA_2048 key.`,
    );
  });
});
