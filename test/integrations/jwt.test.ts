// docs/integrations.md, JWTs: ES256, PS256 and EdDSA tokens whose signatures come from KMS Sign
// on QKMS, verified by jose and, separately, by node:crypto against GetPublicKey's key.

import { constants, createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { demoAlias } from '../../src/cli/dev-token';
import type { KeySpec } from '../../src/crypto/key-specs';
import type { TestGateway } from '../support/test-token';
import { qkmsClient } from './recipes/client';
import { signJwt, verificationKey, type JwsAlgorithm } from './recipes/jwt';
import { RECIPE_CREDENTIALS, startRecipeGateway } from './support/recipe-gateway';

const CASES: { alg: JwsAlgorithm; spec: KeySpec }[] = [
  { alg: 'ES256', spec: 'ECC_NIST_P256' },
  { alg: 'PS256', spec: 'RSA_2048' },
  { alg: 'EdDSA', spec: 'ECC_NIST_EDWARDS25519' },
];

/** node:crypto's own reading of a JWS signature, with the parameters RFC 7518 and 8037 fix. */
function nodeVerifiesJws(alg: JwsAlgorithm, spki: Buffer, token: string): boolean {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const input = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  if (alg === 'ES256') return verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, sig);
  if (alg === 'PS256')
    return verify(
      'sha256',
      input,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
      sig,
    );
  return verify(null, input, key, sig);
}

let t: TestGateway;
let kms: KMSClient;

beforeAll(async () => {
  t = await startRecipeGateway();
  kms = qkmsClient(t.gateway.url, RECIPE_CREDENTIALS);
}, 60_000);

afterAll(async () => {
  kms?.destroy();
  await t?.close();
});

describe.each(CASES)('$alg with the $spec key', ({ alg, spec }) => {
  const keyId = demoAlias(spec);
  const claims = { iss: 'https://issuer.example', sub: 'user-42', aud: 'qkms-recipes' };
  let spki: Buffer;
  let token: string;

  beforeAll(async () => {
    const out = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    spki = Buffer.from(out.PublicKey as Uint8Array);
    token = await signJwt(kms, keyId, alg, claims, 'qkms-demo');
  });

  test('jose verifies the token with the key from GetPublicKey', async () => {
    const { payload, protectedHeader } = await jwtVerify(
      token,
      await verificationKey(kms, keyId, alg),
      { algorithms: [alg], issuer: claims.iss, audience: claims.aud },
    );
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'qkms-demo' });
  });

  test('node:crypto verifies the JWS signature on its own', () => {
    expect(nodeVerifiesJws(alg, spki, token)).toBe(true);
  });

  test('a token with a changed payload is refused', async () => {
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${signature}`;
    await expect(jwtVerify(forged, await verificationKey(kms, keyId, alg))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
    expect(nodeVerifiesJws(alg, spki, forged)).toBe(false);
  });
});

describe('tokens larger than KMS accepts as a message', () => {
  const big = { sub: 'user-42', groups: 'g'.repeat(6000) };

  test('ES256 and PS256 sign them, because only the SHA-256 digest goes to KMS', async () => {
    for (const { alg, spec } of CASES.filter((c) => c.alg !== 'EdDSA')) {
      const token = await signJwt(kms, demoAlias(spec), alg, big);
      const { payload } = await jwtVerify(token, await verificationKey(kms, demoAlias(spec), alg));
      expect(payload).toEqual(big);
    }
  });

  test('EdDSA cannot: KMS refuses a message over 4096 bytes', async () => {
    await expect(
      signJwt(kms, demoAlias('ECC_NIST_EDWARDS25519'), 'EdDSA', big),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

test('without a kid the header carries alg and typ only', async () => {
  const token = await signJwt(kms, demoAlias('ECC_NIST_P256'), 'ES256', { sub: 'x' });
  expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT' });
});
