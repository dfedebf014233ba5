// DeriveSharedSecret through the real SDK on SoftHSM: for each NIST curve, the secret the HSM
// derives equals what node:crypto computes on the peer's side from GetPublicKey's SPKI (with
// ECDH.computeSecret and with crypto.diffieHellman), for uncompressed and compressed peer keys;
// every kind of bad peer key is a ValidationException; wrong keys and key states are refused.

import {
  createECDH,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import {
  CreateKeyCommand,
  DeriveSharedSecretCommand,
  DisableKeyCommand,
  DisabledException,
  DryRunOperationException,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSInvalidStateException,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  type KeySpec,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

const CURVES = [
  { spec: 'ECC_NIST_P256', curve: 'prime256v1', oid: '06082a8648ce3d030107', bytes: 32 },
  { spec: 'ECC_NIST_P384', curve: 'secp384r1', oid: '06052b81040022', bytes: 48 },
  { spec: 'ECC_NIST_P521', curve: 'secp521r1', oid: '06052b81040023', bytes: 66 },
] as const;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
}, 60_000);
afterAll(() => t?.close());

const bytes = (value: Uint8Array | undefined): Buffer => {
  if (!value) throw new Error('member missing from the answer');
  return Buffer.from(value);
};

async function agreementKey(spec: KeySpec): Promise<{ keyId: string; arn: string }> {
  const made = await t.kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'KEY_AGREEMENT' }));
  return { keyId: made.KeyMetadata?.KeyId as string, arn: made.KeyMetadata?.Arn as string };
}

const derive = (keyId: string, publicKey: Uint8Array, extra: Record<string, unknown> = {}) =>
  t.kms.send(
    new DeriveSharedSecretCommand({
      KeyId: keyId,
      KeyAgreementAlgorithm: 'ECDH',
      PublicKey: publicKey,
      ...extra,
    }),
  );

/** DER with short-form lengths only (every structure built here is under 128 bytes). */
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  if (body.length > 127) throw new Error('short-form DER only');
  return Buffer.concat([Buffer.from([tag, body.length]), body]);
};

/** An id-ecPublicKey SPKI around any point bytes (compressed, off-curve, infinity …). */
const ecSpki = (curveOid: string, point: Buffer): Buffer =>
  tlv(
    0x30,
    tlv(0x30, Buffer.from('06072a8648ce3d0201', 'hex'), Buffer.from(curveOid, 'hex')),
    tlv(0x03, Buffer.from([0]), point),
  );

describe.each(CURVES)('ECDH on $spec', ({ spec, curve, oid, bytes: size }) => {
  let key: { keyId: string; arn: string };
  let kmsPublic: KeyObject;
  let kmsPoint: Buffer;

  beforeAll(async () => {
    key = await agreementKey(spec);
    const out = await t.kms.send(new GetPublicKeyCommand({ KeyId: key.keyId }));
    expect(out.KeyUsage).toBe('KEY_AGREEMENT');
    expect(out.KeyAgreementAlgorithms).toEqual(['ECDH']);
    kmsPublic = createPublicKey({ key: bytes(out.PublicKey), format: 'der', type: 'spki' });
    const jwk = kmsPublic.export({ format: 'jwk' });
    kmsPoint = Buffer.concat([
      Buffer.from([4]),
      Buffer.from(jwk.x as string, 'base64url'),
      Buffer.from(jwk.y as string, 'base64url'),
    ]);
  });

  it('derives the secret node:crypto computes on the peer side', async () => {
    const peer = generateKeyPairSync('ec', { namedCurve: curve });
    const spki = peer.publicKey.export({ format: 'der', type: 'spki' });
    const out = await derive(key.keyId, spki);
    expect(out.KeyId).toBe(key.arn);
    expect(out.KeyAgreementAlgorithm).toBe('ECDH');
    expect(out.KeyOrigin).toBe('AWS_KMS');
    const secret = bytes(out.SharedSecret);
    expect(secret).toHaveLength(size);
    expect(diffieHellman({ privateKey: peer.privateKey, publicKey: kmsPublic })).toEqual(secret);
  });

  it('takes a compressed peer point and derives what ECDH.computeSecret does', async () => {
    const peer = createECDH(curve);
    peer.generateKeys();
    const compressed = peer.getPublicKey(null, 'compressed');
    expect(compressed).toHaveLength(1 + size);
    const out = await derive(key.keyId, ecSpki(oid, compressed));
    expect(bytes(out.SharedSecret)).toEqual(peer.computeSecret(kmsPoint));
  });

  it('gives the same secret for one peer every time, and another for another peer', async () => {
    const peer = generateKeyPairSync('ec', { namedCurve: curve });
    const spki = peer.publicKey.export({ format: 'der', type: 'spki' });
    const [a, b] = [await derive(key.keyId, spki), await derive(key.keyId, spki)];
    expect(bytes(a.SharedSecret)).toEqual(bytes(b.SharedSecret));
    const other = generateKeyPairSync('ec', { namedCurve: curve });
    const c = await derive(key.keyId, other.publicKey.export({ format: 'der', type: 'spki' }));
    expect(bytes(c.SharedSecret)).not.toEqual(bytes(a.SharedSecret));
  });
});

describe('bad peer public keys are ValidationException', () => {
  const P256 = CURVES[0];
  let keyId: string;
  let good: Buffer;
  beforeAll(async () => {
    keyId = demoAlias('ECC_NIST_P256', 'KEY_AGREEMENT');
    good = generateKeyPairSync('ec', { namedCurve: P256.curve }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
  });

  const offCurve = (): Buffer => {
    const point = Buffer.from(good.subarray(good.length - 65));
    point[64] = (point[64] as number) ^ 1; // y no longer solves the curve equation for x
    return ecSpki(P256.oid, point);
  };

  it.each([
    [
      'a point on another curve',
      () =>
        generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({
          format: 'der',
          type: 'spki',
        }),
      'PublicKey is on curve ECC_NIST_P384 but the key is on curve ECC_NIST_P256.',
    ],
    [
      'an RSA public key',
      () =>
        generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
          format: 'der',
          type: 'spki',
        }),
      'PublicKey is not an elliptic curve public key.',
    ],
    ['a point off the curve', offCurve, 'PublicKey is not a valid point on curve ECC_NIST_P256.'],
    [
      'the point at infinity',
      () => ecSpki(P256.oid, Buffer.from([0])),
      'PublicKey is not a valid point on curve ECC_NIST_P256.',
    ],
    [
      'a truncated SPKI',
      () => good.subarray(0, good.length - 1),
      'PublicKey is not a DER-encoded SubjectPublicKeyInfo.',
    ],
    [
      'an SPKI with trailing bytes',
      () => Buffer.concat([good, Buffer.from([0])]),
      'PublicKey is not a DER-encoded SubjectPublicKeyInfo.',
    ],
    [
      'bytes that are no DER at all',
      () => Buffer.from('InvalidPublicKey'),
      'PublicKey is not a DER-encoded SubjectPublicKeyInfo.',
    ],
  ])('%s', async (_what, make, message) => {
    const err = await failure(derive(keyId, make()));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(message);
  });

  it('while the same key derives with a good one', async () => {
    expect(bytes((await derive(keyId, good)).SharedSecret)).toHaveLength(32);
  });
});

describe('refusals', () => {
  const peer = () =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      format: 'der',
      type: 'spki',
    });

  it.each([
    ['a signing key', demoAlias('ECC_NIST_P256'), 'SIGN_VERIFY'],
    ['a symmetric key', demoAlias('SYMMETRIC_DEFAULT'), 'ENCRYPT_DECRYPT'],
  ])('%s is InvalidKeyUsageException', async (_what, alias, usage) => {
    const err = await failure(derive(alias, peer()));
    expect(err).toBeInstanceOf(InvalidKeyUsageException);
    expect(err.message).toBe(
      `${t.gateway.catalog.resolve(alias).arn} key usage is ${usage} which is not valid for DeriveSharedSecret.`,
    );
  });

  it('a disabled key and a key pending deletion are refused', async () => {
    const disabled = await agreementKey('ECC_NIST_P256');
    await t.kms.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    const off = await failure(derive(disabled.keyId, peer()));
    expect(off).toBeInstanceOf(DisabledException);
    expect(off.message).toBe(`${disabled.arn} is disabled.`);

    const doomed = await agreementKey('ECC_NIST_P256');
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.keyId }));
    const pending = await failure(derive(doomed.keyId, peer()));
    expect(pending).toBeInstanceOf(KMSInvalidStateException);
    expect(pending.message).toBe(`${doomed.arn} is pending deletion.`);
  });

  it('DryRun answers DryRunOperationException once the peer key checks out', async () => {
    const key = demoAlias('ECC_NIST_P256', 'KEY_AGREEMENT');
    const err = await failure(derive(key, peer(), { DryRun: true }));
    expect(err).toBeInstanceOf(DryRunOperationException);
    const bad = await failure(derive(key, Buffer.from('x'), { DryRun: true }));
    expect(bad.name).toBe('ValidationException');
  });

  it('a Nitro Enclaves Recipient is refused', async () => {
    const err = await failure(
      derive(demoAlias('ECC_NIST_P256', 'KEY_AGREEMENT'), peer(), {
        Recipient: {
          KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          AttestationDocument: Buffer.from('a'),
        },
      }),
    );
    expect(err).toBeInstanceOf(UnsupportedOperationException);
    expect(err.message).toBe(
      'QKMS does not support Recipient: it cannot verify AWS Nitro Enclaves or NitroTPM attestation documents. Leave Recipient out to receive the plaintext.',
    );
  });

  it('an unknown KeyAgreementAlgorithm fails validation', async () => {
    const err = await failure(
      derive(demoAlias('ECC_NIST_P256', 'KEY_AGREEMENT'), peer(), {
        KeyAgreementAlgorithm: 'ECDH_COFACTOR',
      }),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      "1 validation error detected: Value 'ECDH_COFACTOR' at 'keyAgreementAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [ECDH]",
    );
  });
});
