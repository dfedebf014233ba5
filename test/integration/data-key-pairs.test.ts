// GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext through the real SDK on SoftHSM, for
// every KeyPairSpec the token generates. Each pair is checked on its own terms: the PKCS#8
// private key is read by node:crypto and by openssl, it derives the returned public key and signs
// what that key verifies, and the sealed copy opens through Decrypt with the same encryption
// context only.

import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  DisabledException,
  DryRunOperationException,
  GenerateDataKeyPairCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  type DataKeyPairSpec,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

const SPECS: readonly { spec: DataKeyPairSpec; type: 'rsa' | 'ec'; size: string | number }[] = [
  { spec: 'RSA_2048', type: 'rsa', size: 2048 },
  { spec: 'RSA_3072', type: 'rsa', size: 3072 },
  { spec: 'RSA_4096', type: 'rsa', size: 4096 },
  { spec: 'ECC_NIST_P256', type: 'ec', size: 'prime256v1' },
  { spec: 'ECC_NIST_P384', type: 'ec', size: 'secp384r1' },
  { spec: 'ECC_NIST_P521', type: 'ec', size: 'secp521r1' },
  { spec: 'ECC_SECG_P256K1', type: 'ec', size: 'secp256k1' },
];

const SYMMETRIC = demoAlias('SYMMETRIC_DEFAULT');
const CONTEXT = { tenant: 'acme', purpose: 'data key pair test' };

let t: TestGateway;
let symmetricArn: string;

beforeAll(async () => {
  t = await startTestGateway();
  symmetricArn = t.gateway.catalog.resolve(SYMMETRIC).arn;
}, 60_000);
afterAll(() => t?.close());

const bytes = (value: Uint8Array | undefined): Buffer => {
  if (!value) throw new Error('member missing from the answer');
  return Buffer.from(value);
};

/** What openssl derives from the PKCS#8 DER: the public key, as DER SPKI. */
function opensslPublicKey(pkcs8: Buffer): Buffer {
  return execFileSync('openssl', ['pkey', '-inform', 'DER', '-pubout', '-outform', 'DER'], {
    input: pkcs8,
  });
}

/** Signs with the private key and verifies with the public one (RSA: PKCS#1 v1.5, EC: ECDSA). */
function signsForPublicKey(privateKey: KeyObject, publicKey: KeyObject): boolean {
  const message = Buffer.from('signed with a data key pair');
  const signature = sign('sha256', message, privateKey);
  return (
    verify('sha256', message, publicKey, signature) &&
    !verify('sha256', Buffer.from('another message'), publicKey, signature)
  );
}

function checkPrivateKey(pkcs8: Buffer, publicDer: Buffer, type: string, size: string | number) {
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey({ key: publicDer, format: 'der', type: 'spki' });
  expect(privateKey.asymmetricKeyType).toBe(type);
  expect(publicKey.asymmetricKeyType).toBe(type);
  const details = privateKey.asymmetricKeyDetails;
  expect(type === 'rsa' ? details?.modulusLength : details?.namedCurve).toBe(size);
  expect(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })).toEqual(publicDer);
  expect(opensslPublicKey(pkcs8)).toEqual(publicDer);
  expect(signsForPublicKey(privateKey, publicKey)).toBe(true);
}

const decrypt = (blob: Uint8Array | undefined, context?: Record<string, string>) =>
  t.kms.send(
    new DecryptCommand({ CiphertextBlob: blob, KeyId: SYMMETRIC, EncryptionContext: context }),
  );

describe.each(SPECS)('a $spec data key pair', ({ spec, type, size }) => {
  it('GenerateDataKeyPair: a matching PKCS#8 private key, sealed under the key with the context', async () => {
    const out = await t.kms.send(
      new GenerateDataKeyPairCommand({
        KeyId: SYMMETRIC,
        KeyPairSpec: spec,
        EncryptionContext: CONTEXT,
      }),
    );
    expect(out.KeyId).toBe(symmetricArn);
    expect(out.KeyPairSpec).toBe(spec);
    const pkcs8 = bytes(out.PrivateKeyPlaintext);
    const publicDer = bytes(out.PublicKey);
    checkPrivateKey(pkcs8, publicDer, type, size);

    const sealed = bytes(out.PrivateKeyCiphertextBlob);
    expect(sealed.includes(pkcs8)).toBe(false);
    const opened = await decrypt(sealed, { purpose: CONTEXT.purpose, tenant: CONTEXT.tenant });
    expect(bytes(opened.Plaintext)).toEqual(pkcs8);
    expect(opened.KeyId).toBe(symmetricArn);

    for (const wrong of [undefined, { tenant: 'acme' }, { ...CONTEXT, tenant: 'other' }]) {
      const err = await failure(decrypt(sealed, wrong));
      expect(err).toBeInstanceOf(InvalidCiphertextException);
    }
  });

  it('GenerateDataKeyPairWithoutPlaintext: no private key in the answer; Decrypt gives one that matches', async () => {
    const out = await t.kms.send(
      new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: SYMMETRIC, KeyPairSpec: spec }),
    );
    expect(Object.keys(out).sort()).toEqual(
      [
        '$metadata',
        'KeyId',
        'KeyMaterialId',
        'KeyPairSpec',
        'PrivateKeyCiphertextBlob',
        'PublicKey',
      ].sort(),
    );
    expect(out.KeyId).toBe(symmetricArn);
    expect(out.KeyPairSpec).toBe(spec);
    const opened = await decrypt(out.PrivateKeyCiphertextBlob);
    checkPrivateKey(bytes(opened.Plaintext), bytes(out.PublicKey), type, size);
  });
});

describe('data key pairs', () => {
  it('are new on every call', async () => {
    const pair = () =>
      t.kms.send(
        new GenerateDataKeyPairCommand({ KeyId: SYMMETRIC, KeyPairSpec: 'ECC_NIST_P256' }),
      );
    const [a, b] = [await pair(), await pair()];
    expect(bytes(a.PublicKey)).not.toEqual(bytes(b.PublicKey));
    expect(bytes(a.PrivateKeyPlaintext)).not.toEqual(bytes(b.PrivateKeyPlaintext));
  });

  it('leave no key objects in the token', async () => {
    const before = (await t.gateway.token.listKeyObjects()).length;
    await t.kms.send(new GenerateDataKeyPairCommand({ KeyId: SYMMETRIC, KeyPairSpec: 'RSA_2048' }));
    expect((await t.gateway.token.listKeyObjects()).length).toBe(before);
  });
});

describe('refusals', () => {
  const generate = (input: Partial<ConstructorParameters<typeof GenerateDataKeyPairCommand>[0]>) =>
    t.kms.send(
      new GenerateDataKeyPairCommand({ KeyId: SYMMETRIC, KeyPairSpec: 'RSA_2048', ...input }),
    );

  it('an asymmetric encryption key cannot seal the private key', async () => {
    const key = demoAlias('RSA_2048', 'ENCRYPT_DECRYPT');
    const err = await failure(generate({ KeyId: key }));
    expect(err).toBeInstanceOf(InvalidKeyUsageException);
    expect(err.message).toBe(
      `${t.gateway.catalog.resolve(key).arn} key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair.`,
    );
  });

  it('nor can a signing key', async () => {
    const key = demoAlias('ECC_NIST_P256');
    const err = await failure(
      t.kms.send(
        new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: key, KeyPairSpec: 'RSA_2048' }),
      ),
    );
    expect(err).toBeInstanceOf(InvalidKeyUsageException);
    expect(err.message).toBe(
      `${t.gateway.catalog.resolve(key).arn} key usage is SIGN_VERIFY which is not valid for GenerateDataKeyPairWithoutPlaintext.`,
    );
  });

  it('a disabled key and a key pending deletion are refused', async () => {
    const make = async () =>
      (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata as { KeyId: string; Arn: string };
    const disabled = await make();
    await t.kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const off = await failure(generate({ KeyId: disabled.KeyId }));
    expect(off).toBeInstanceOf(DisabledException);
    expect(off.message).toBe(`${disabled.Arn} is disabled.`);

    const doomed = await make();
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId }));
    const pending = await failure(generate({ KeyId: doomed.KeyId }));
    expect(pending).toBeInstanceOf(KMSInvalidStateException);
    expect(pending.message).toBe(`${doomed.Arn} is pending deletion.`);
  });

  it('SM2 is not served', async () => {
    const err = await failure(generate({ KeyPairSpec: 'SM2' }));
    expect(err).toBeInstanceOf(UnsupportedOperationException);
    expect(err.message).toBe(
      'KeyPairSpec SM2 is not supported: AWS offers it in China Regions only, and no PKCS#11 token here generates SM2 keys.',
    );
  });

  it('a Nitro Enclaves Recipient is refused, not ignored', async () => {
    const err = await failure(
      generate({
        Recipient: {
          KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          AttestationDocument: Buffer.from('attestation'),
        },
      }),
    );
    expect(err).toBeInstanceOf(UnsupportedOperationException);
    expect(err.message).toBe(
      'QKMS does not support Recipient: it cannot verify AWS Nitro Enclaves or NitroTPM attestation documents. Leave Recipient out to receive the plaintext.',
    );
  });

  it('DryRun answers DryRunOperationException after every check, with no pair made', async () => {
    const err = await failure(generate({ DryRun: true }));
    expect(err).toBeInstanceOf(DryRunOperationException);
    expect(err.message).toBe('The request would have succeeded, but the DryRun option is set.');
    const refused = await failure(generate({ DryRun: true, KeyPairSpec: 'SM2' }));
    expect(refused).toBeInstanceOf(UnsupportedOperationException);
  });

  it('validates GrantTokens and KeyPairSpec as the model states them', async () => {
    const tokens = await failure(generate({ GrantTokens: Array(11).fill('t') }));
    expect(tokens.name).toBe('ValidationException');
    expect(tokens.message).toBe(
      "1 validation error detected: Value '[t, t, t, t, t, t, t, t, t, t, t]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    const spec = await failure(generate({ KeyPairSpec: 'RSA_1024' as DataKeyPairSpec }));
    expect(spec.name).toBe('ValidationException');
    expect(spec.message).toBe(
      "1 validation error detected: Value 'RSA_1024' at 'keyPairSpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, SM2]",
    );
  });
});
