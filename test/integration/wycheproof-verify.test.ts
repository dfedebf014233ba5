// Verify against Wycheproof vectors (subsets committed in test/fixtures/wycheproof, see its
// README for origin). Each group's public key is imported into the SoftHSM token as a
// verify-only key, adopted through the config catalog, and every vector goes through Verify
// with the real SDK: "valid" must verify, "invalid" must be refused, "acceptable" may go either way.

import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KMSServiceException,
  VerifyCommand,
  type MessageType,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import type { PublicKeyMaterial } from '../../src/crypto/public-key';
import { startTestGateway, type TestGateway } from '../support/test-token';

interface Vector {
  tcId: number;
  comment: string;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface Group {
  publicKeyDer: string;
  tests: Vector[];
}

const FILES: ReadonlyArray<{ file: string; algorithm: SigningAlgorithmSpec; hash: string }> = [
  { file: 'ecdsa_secp256r1_sha256_test.json', algorithm: 'ECDSA_SHA_256', hash: 'sha256' },
  { file: 'ecdsa_secp384r1_sha384_test.json', algorithm: 'ECDSA_SHA_384', hash: 'sha384' },
  { file: 'ecdsa_secp521r1_sha512_test.json', algorithm: 'ECDSA_SHA_512', hash: 'sha512' },
  { file: 'ecdsa_secp256k1_sha256_test.json', algorithm: 'ECDSA_SHA_256', hash: 'sha256' },
  {
    file: 'rsa_signature_2048_sha256_test.json',
    algorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    hash: 'sha256',
  },
  {
    file: 'rsa_pss_2048_sha256_mgf1_32_test.json',
    algorithm: 'RSASSA_PSS_SHA_256',
    hash: 'sha256',
  },
];

const CURVE_OID: Record<string, string> = {
  'P-256': '06082a8648ce3d030107',
  'P-384': '06052b81040022',
  'P-521': '06052b81040023',
  secp256k1: '06052b8104000a',
};

/** Token attributes of a Wycheproof public key, computed with node:crypto (not QKMS's codecs). */
function materialOf(spkiHex: string): PublicKeyMaterial {
  const jwk = createPublicKey({
    key: Buffer.from(spkiHex, 'hex'),
    format: 'der',
    type: 'spki',
  }).export({ format: 'jwk' });
  if (jwk.kty === 'RSA') {
    return {
      kind: 'rsa',
      modulus: Buffer.from(jwk.n as string, 'base64url'),
      exponent: Buffer.from(jwk.e as string, 'base64url'),
    };
  }
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  return { kind: 'ec', curveOidDer: CURVE_OID[jwk.crv as string] as string, point };
}

const groups = FILES.flatMap(({ file, algorithm, hash }) => {
  const json = JSON.parse(
    readFileSync(join(__dirname, '../fixtures/wycheproof', file), 'utf8'),
  ) as { testGroups: Group[] };
  return json.testGroups.map((group, index) => ({
    name: `${file.replace(/_test\.json$/, '')}#${index}`,
    keyId: `00000000-0000-4000-8000-${String(FILES.findIndex((f) => f.file === file) * 100 + index).padStart(12, '0')}`,
    algorithm,
    hash,
    group,
  }));
});

let t: TestGateway;

beforeAll(async () => {
  const importer = await startTestGateway();
  for (const g of groups) {
    const label = `wycheproof-${g.name}`;
    if (!(await importer.gateway.token.findKey({ label }))) {
      await importer.gateway.token.importPublicKey(materialOf(g.group.publicKeyDer), '', label);
    }
  }
  await importer.close();
  t = await startTestGateway({
    keys: groups.map((g) => ({
      keyId: g.keyId,
      label: `wycheproof-${g.name}`,
      description: g.name,
      aliases: [],
      enabled: true,
    })),
  });
}, 60_000);

afterAll(() => t?.close());

async function verifyOutcome(
  keyId: string,
  algorithm: SigningAlgorithmSpec,
  message: Buffer,
  messageType: MessageType,
  signature: Buffer,
): Promise<string> {
  try {
    const out = await t.kms.send(
      new VerifyCommand({
        KeyId: keyId,
        Message: message,
        MessageType: messageType,
        Signature: signature,
        SigningAlgorithm: algorithm,
      }),
    );
    return out.SignatureValid ? 'valid' : 'SignatureValid=false';
  } catch (err) {
    if (err instanceof KMSServiceException) return err.name;
    throw err;
  }
}

describe.each(groups)('Wycheproof $name', ({ keyId, algorithm, hash, group }) => {
  it.each(group.tests.map((v) => [v.tcId, v.comment, v] as const))(
    'tcId %i (%s)',
    async (_id, _comment, vector) => {
      const message = Buffer.from(vector.msg, 'hex');
      const signature = Buffer.from(vector.sig, 'hex');
      // DIGEST covers every vector (KMS needs at least one message byte, some vectors sign "").
      const outcomes = [
        await verifyOutcome(
          keyId,
          algorithm,
          createHash(hash).update(message).digest(),
          'DIGEST',
          signature,
        ),
      ];
      if (message.length > 0)
        outcomes.push(await verifyOutcome(keyId, algorithm, message, 'RAW', signature));
      for (const outcome of outcomes) {
        if (vector.result === 'valid') expect(outcome).toBe('valid');
        // An empty signature fails schema validation before it reaches the token.
        else if (vector.result === 'invalid')
          expect([
            'KMSInvalidSignatureException',
            ...(signature.length === 0 ? ['ValidationException'] : []),
          ]).toContain(outcome);
        else expect(['valid', 'KMSInvalidSignatureException']).toContain(outcome);
      }
    },
  );
});
