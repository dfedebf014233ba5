// Keys for encryption and key agreement on a real SoftHSM token: what the start-up proofs find
// there, what CreateKey makes of each spec and usage (and refuses), what DescribeKey and
// GetPublicKey report, and how the objects sit in the token as pkcs11-tool sees them.

import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  type KeySpec,
  type KeyUsageType,
} from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';
import { failure } from '../support/failure';
import { pkcs11Tool } from '../support/pkcs11-tool';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
}, 60_000);
afterAll(() => t?.close());

/** The one object of `type` labelled `label`, as pkcs11-tool describes it. */
function tokenObject(type: 'secrkey' | 'privkey' | 'pubkey', label: string): string {
  const listing = pkcs11Tool(['--list-objects', '--type', type]);
  const blocks = listing.split(/\n(?=\S)/).filter((b) => b.includes(`label:      ${label}\n`));
  expect(blocks).toHaveLength(1);
  return `${blocks[0]}\n`;
}

async function create(KeySpec?: KeySpec, KeyUsage?: KeyUsageType): Promise<string> {
  const out = await t.kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }));
  return out.KeyMetadata?.KeyId as string;
}

describe('what SoftHSM 2.6.1 proves at start-up', () => {
  it('does AES-GCM and ECDH in the token, OAEP SHA-1 in the token and OAEP SHA-256 as raw RSA', () => {
    const c = t.gateway.capabilities;
    expect(c.encryption('SYMMETRIC_DEFAULT')).toEqual({ ok: true });
    expect(c.encryption('RSAES_OAEP_SHA_1')).toEqual({ ok: true, oaep: 'token' });
    // SoftHSM answers CKR_ARGUMENTS_BAD to CKM_RSA_PKCS_OAEP with SHA-256 (DESIGN §10).
    expect(c.encryption('RSAES_OAEP_SHA_256')).toEqual({ ok: true, oaep: 'gateway' });
    for (const spec of ['ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521'] as const)
      expect(c.keyAgreement('ECDH', spec)).toEqual({ ok: true });
    expect(c.random()).toEqual({ ok: true });
  });
});

describe('CreateKey for encryption and key agreement', () => {
  it('makes a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key when neither KeySpec nor KeyUsage is given', async () => {
    const keyId = await create();
    const { KeyMetadata: m } = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(m).toMatchObject({
      KeySpec: 'SYMMETRIC_DEFAULT',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    });
    expect(m?.SigningAlgorithms).toBeUndefined();
    // An AES-256 secret key, sensitive and never extractable, that encrypts and does not sign.
    const listing = tokenObject('secrkey', keyId);
    expect(listing).toMatch(/^Secret Key Object; AES length 32/);
    expect(listing).toMatch(/Usage:\s+encrypt, decrypt\n/);
    expect(listing).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
  });

  it.each(['RSA_2048', 'RSA_3072', 'RSA_4096'] as const)(
    'makes %s ENCRYPT_DECRYPT pairs whose private half decrypts and never signs',
    async (spec) => {
      const keyId = await create(spec, 'ENCRYPT_DECRYPT');
      const described = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      expect(described.KeyMetadata?.EncryptionAlgorithms).toEqual([
        'RSAES_OAEP_SHA_1',
        'RSAES_OAEP_SHA_256',
      ]);
      expect(described.KeyMetadata?.SigningAlgorithms).toBeUndefined();
      const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
      expect(pub).toMatchObject({
        KeySpec: spec,
        KeyUsage: 'ENCRYPT_DECRYPT',
        EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
      });
      expect(pub.SigningAlgorithms).toBeUndefined();
      const key = createPublicKey({
        key: Buffer.from(pub.PublicKey as Uint8Array),
        format: 'der',
        type: 'spki',
      });
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(Number(spec.slice(4)));
      expect(tokenObject('privkey', keyId)).toMatch(/Usage:\s+decrypt\n/);
      expect(tokenObject('pubkey', keyId)).toMatch(/Usage:\s+encrypt\n/);
    },
    60_000,
  );

  it.each([
    ['ECC_NIST_P256', 'prime256v1'],
    ['ECC_NIST_P384', 'secp384r1'],
    ['ECC_NIST_P521', 'secp521r1'],
  ] as const)('makes %s KEY_AGREEMENT pairs that derive and never sign', async (spec, curve) => {
    const keyId = await create(spec, 'KEY_AGREEMENT');
    const pub = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    expect(pub).toMatchObject({
      KeySpec: spec,
      KeyUsage: 'KEY_AGREEMENT',
      KeyAgreementAlgorithms: ['ECDH'],
    });
    expect(pub.SigningAlgorithms).toBeUndefined();
    const key = createPublicKey({
      key: Buffer.from(pub.PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    expect(key.asymmetricKeyDetails?.namedCurve).toBe(curve);
    expect(tokenObject('privkey', keyId)).toMatch(/Usage:\s+derive\n/);
  });

  it.each([
    ['ECC_SECG_P256K1', 'KEY_AGREEMENT'],
    ['ECC_NIST_EDWARDS25519', 'KEY_AGREEMENT'],
    ['ECC_NIST_P256', 'ENCRYPT_DECRYPT'],
    ['SYMMETRIC_DEFAULT', 'SIGN_VERIFY'],
    ['HMAC_256', 'ENCRYPT_DECRYPT'],
    ['RSA_2048', 'KEY_AGREEMENT'],
  ] as const)('refuses %s with KeyUsage %s', async (spec, usage) => {
    const err = await failure(t.kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(`KeyUsage ${usage} is not compatible with KeySpec ${spec}.`);
  });

  it('refuses an asymmetric spec without KeyUsage, whose default ENCRYPT_DECRYPT it lacks', async () => {
    const err = await failure(t.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256' })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      'KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256.',
    );
  });

  it('has no public key for a symmetric key', async () => {
    const keyId = await create();
    const err = await failure(t.kms.send(new GetPublicKeyCommand({ KeyId: keyId })));
    expect(err.name).toBe('UnsupportedOperationException');
    expect(err.message).toBe(
      `arn:aws:kms:us-east-1:111122223333:key/${keyId} is a SYMMETRIC_DEFAULT key; only asymmetric keys have a public key.`,
    );
  });
});
