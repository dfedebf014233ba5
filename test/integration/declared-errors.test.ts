// Every exception an operation declares (and so its reference page and compatibility.md list)
// is one it really answers: each is provoked here on a real gateway on the SoftHSM token, or —
// for faults that need a failing HSM, database or disk — named in a test that provokes it.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { demoAlias } from '../../src/cli/dev-token';
import type { KmsErrorName } from '../../src/errors/kms-error';
import { OPERATIONS } from '../../src/operations/registry';
import { callKms } from '../support/signed-request';
import { startTestGateway, type TestGateway } from '../support/test-token';

type Input = Record<string, unknown>;
/** Sets up what the case needs and returns the request that must get the exception. */
type Provoke = (op: string) => Promise<Input>;

let t: TestGateway;

async function call(operation: string, input: Input): Promise<{ type: string; body: Input }> {
  const answer = await callKms(t.gateway.url, operation, JSON.stringify(input), null);
  const type = answer.headers['x-amzn-errortype'];
  return { type: typeof type === 'string' ? type : 'ok', body: JSON.parse(answer.body) as Input };
}

async function ok(operation: string, input: Input): Promise<Input> {
  const answer = await call(operation, input);
  if (answer.type !== 'ok') throw new Error(`${operation} failed: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const MAC_OPS = new Set(['GenerateMac', 'VerifyMac']);
const MESSAGE = Buffer.from('declared errors').toString('base64');

/** CreateKey inputs of operations whose key is neither a P-256 signing key nor an HMAC key. */
const KEY_KIND: Readonly<Record<string, Input>> = {
  GenerateDataKeyPair: {},
  GenerateDataKeyPairWithoutPlaintext: {},
  DeriveSharedSecret: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' },
};
const PEER_P256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .publicKey.export({ format: 'der', type: 'spki' })
  .toString('base64');
const RECIPIENT = { KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256', AttestationDocument: 'AAAA' };

async function newKey(hmac: boolean | string): Promise<string> {
  const kind = typeof hmac === 'string' ? KEY_KIND[hmac] : undefined;
  const mac = hmac === true || (typeof hmac === 'string' && MAC_OPS.has(hmac));
  const created = await ok(
    'CreateKey',
    kind ?? {
      KeySpec: mac ? 'HMAC_256' : 'ECC_NIST_P256',
      KeyUsage: mac ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY',
    },
  );
  return (created.KeyMetadata as { KeyId: string }).KeyId;
}

const freshAlias = () => `alias/declared-${randomUUID()}`;

/** Operations on SYMMETRIC_DEFAULT keys' rotation: their cases need such a key. */
const ROTATION_OPS = new Set([
  'EnableKeyRotation',
  'DisableKeyRotation',
  'RotateKeyOnDemand',
  'ListKeyRotations',
  'GetKeyRotationStatus',
]);

async function newSymmetricKey(): Promise<string> {
  return ((await ok('CreateKey', {})).KeyMetadata as { KeyId: string }).KeyId;
}

const ENCRYPTION_OPS = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
]);
/** A blob made under each symmetric key when it was created, while it could still encrypt. */
const blobs = new Map<string, string>();

/** A key of the kind `op` uses: symmetric (with a blob made under it) for the encryption ones. */
async function newKeyFor(op: string): Promise<string> {
  if (ROTATION_OPS.has(op)) return newSymmetricKey();
  if (!ENCRYPTION_OPS.has(op)) return newKey(op);
  const created = await ok('CreateKey', {});
  const keyId = (created.KeyMetadata as { KeyId: string }).KeyId;
  const sealed = await ok('Encrypt', { KeyId: keyId, Plaintext: MESSAGE });
  blobs.set(keyId, sealed.CiphertextBlob as string);
  return keyId;
}

/** A blob of some other key, for requests whose key is not one newKeyFor made. */
async function anyBlob(): Promise<string> {
  const first = blobs.values().next();
  return first.done ? (blobs.get(await newKeyFor('Encrypt')) as string) : first.value;
}

/** A request of `op` that succeeds on a usable key of the right kind. */
async function valid(op: string, keyId: string): Promise<Input> {
  switch (op) {
    case 'Sign':
      return { KeyId: keyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' };
    case 'Verify':
      return { ...(await valid('Sign', keyId)), Signature: 'AAAA' };
    case 'GenerateMac':
      return { KeyId: keyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' };
    case 'VerifyMac':
      return { ...(await valid('GenerateMac', keyId)), Mac: 'AAAA' };
    case 'CreateAlias':
      return { AliasName: freshAlias(), TargetKeyId: keyId };
    case 'UpdateAlias': {
      const AliasName = freshAlias();
      await ok('CreateAlias', { AliasName, TargetKeyId: await newKey(false) });
      return { AliasName, TargetKeyId: keyId };
    }
    case 'UpdateKeyDescription':
      return { KeyId: keyId, Description: 'declared errors' };
    case 'TagResource':
      return { KeyId: keyId, Tags: [{ TagKey: 'declared', TagValue: 'errors' }] };
    case 'UntagResource':
      return { KeyId: keyId, TagKeys: ['declared'] };
    case 'Encrypt':
      return { KeyId: keyId, Plaintext: MESSAGE };
    case 'Decrypt':
      return { KeyId: keyId, CiphertextBlob: blobs.get(keyId) ?? (await anyBlob()) };
    case 'ReEncrypt':
      return {
        CiphertextBlob: blobs.get(keyId) ?? (await anyBlob()),
        SourceKeyId: keyId,
        DestinationKeyId: keyId,
      };
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
      return { KeyId: keyId, KeySpec: 'AES_256' };
    case 'GenerateDataKeyPair':
    case 'GenerateDataKeyPairWithoutPlaintext':
      return { KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' };
    case 'DeriveSharedSecret':
      return { KeyId: keyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: PEER_P256 };
    case 'GenerateRandom':
      return { NumberOfBytes: 16 };
    default:
      return { KeyId: keyId };
  }
}

const withKey =
  (prepare: (keyId: string) => Promise<unknown>): Provoke =>
  async (op) => {
    const keyId = await newKeyFor(op);
    await prepare(keyId);
    return valid(op, keyId);
  };

/** How each exception is provoked, by operation where it differs. */
const PROVOKE: Readonly<Partial<Record<KmsErrorName, Provoke>>> = {
  NotFoundException: async (op) => {
    if (op === 'DeleteAlias' || op === 'UpdateAlias')
      return { AliasName: freshAlias(), TargetKeyId: await newKey(false) };
    if (op === 'CreateAlias') return { AliasName: freshAlias(), TargetKeyId: randomUUID() };
    return { ...(await valid(op, randomUUID())), KeyId: randomUUID() };
  },
  DisabledException: withKey((keyId) => ok('DisableKey', { KeyId: keyId })),
  KMSInvalidStateException: async (op) => {
    const keyId = await newKeyFor(op);
    if (op !== 'CancelKeyDeletion') await ok('ScheduleKeyDeletion', { KeyId: keyId });
    return valid(op, keyId);
  },
  InvalidKeyUsageException: async (op) => {
    const input = await valid(op, await newKey(!MAC_OPS.has(op)));
    // Not a QKMS blob, so the HMAC key is judged on its usage, not as the blob's wrong key.
    return op === 'Decrypt' || op === 'ReEncrypt' ? { ...input, CiphertextBlob: 'AAAA' } : input;
  },
  InvalidCiphertextException: async (op) => ({
    ...(await valid(op, await newKeyFor(op))),
    CiphertextBlob: 'AAAA',
  }),
  IncorrectKeyException: async (op) => {
    const other = await newKeyFor(op);
    const input = await valid(op, await newKeyFor(op));
    return op === 'ReEncrypt' ? { ...input, SourceKeyId: other } : { ...input, KeyId: other };
  },
  ValidationException: async (op) => {
    if (op === 'Encrypt')
      return { KeyId: await newKeyFor(op), Plaintext: Buffer.alloc(4097).toString('base64') };
    // No ciphertext; no data key length.
    if (op === 'ReEncrypt') return { DestinationKeyId: await newKeyFor(op) };
    if (ENCRYPTION_OPS.has(op)) return { KeyId: await newKeyFor(op) };
    if (op === 'DeriveSharedSecret')
      return { ...(await valid(op, await newKeyFor(op))), PublicKey: 'AAAA' };
    if (op === 'GenerateRandom') return {};
    if (op === 'CreateKey')
      return { KeySpec: 'ECC_NIST_P256', CustomerMasterKeySpec: 'ECC_NIST_P256' };
    if (op.endsWith('Alias')) return { AliasName: 'no-prefix', TargetKeyId: await newKey(false) };
    // A DIGEST that is not the algorithm's hash length.
    return { ...(await valid(op, await newKey(false))), MessageType: 'DIGEST' };
  },
  UnsupportedOperationException: async (op) => {
    if (op === 'CreateKey')
      return { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', MultiRegion: true };
    // Nitro Enclaves attestation, which QKMS cannot verify.
    if (op === 'Decrypt' || op === 'GenerateDataKey')
      return { ...(await valid(op, await newKeyFor(op))), Recipient: {} };
    if (
      op === 'GenerateRandom' ||
      op === 'DeriveSharedSecret' ||
      op.startsWith('GenerateDataKeyPair')
    )
      return { ...(await valid(op, await newKeyFor(op))), Recipient: RECIPIENT };
    if (op === 'GetPublicKey') return { KeyId: await newKey(true) };
    if (ROTATION_OPS.has(op)) return { KeyId: await newKey(false) };
    // SoftHSM ignores Ed25519ph's prehash flag, so the start-up check leaves it out.
    return {
      ...(await valid(op, demoAlias('ECC_NIST_EDWARDS25519'))),
      Message: Buffer.alloc(64, 1).toString('base64'),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ED25519_PH_SHA_512',
    };
  },
  DryRunOperationException: withKey(async () => undefined),
  KMSInvalidSignatureException: withKey(async () => undefined),
  KMSInvalidMacException: withKey(async () => undefined),
  InvalidMarkerException: async (op) => ({
    ...(op === 'ListResourceTags' ? { KeyId: await newKey(false) } : {}),
    ...(op === 'ListKeyRotations' ? { KeyId: await newSymmetricKey() } : {}),
    Marker: 'qkms2.WyJMaXN0S2V5cyIsIiIsIjAiXQ.AAAAAAAAAAAAAAAAAAAAAA',
  }),
  AlreadyExistsException: async () => {
    const AliasName = freshAlias();
    const TargetKeyId = await newKey(false);
    await ok('CreateAlias', { AliasName, TargetKeyId });
    return { AliasName, TargetKeyId };
  },
  LimitExceededException: async () => {
    const KeyId = await newSymmetricKey();
    for (let i = 0; i < 25; i++) await ok('RotateKeyOnDemand', { KeyId });
    return { KeyId };
  },
  TagException: async (op) => ({
    ...(op === 'CreateKey' ? { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' } : {}),
    ...(op === 'TagResource' ? { KeyId: await newKey(false) } : {}),
    Tags: [{ TagKey: 'aws:reserved', TagValue: 'x' }],
  }),
};

/** Requests that differ from `valid` only in one member. */
const TWEAK: Readonly<Partial<Record<KmsErrorName, Input>>> = {
  DryRunOperationException: { DryRun: true },
};

/** Exceptions only a failing HSM, database or disk causes: the tests that provoke them. */
const ELSEWHERE: Readonly<Partial<Record<KmsErrorName, readonly string[]>>> = {
  KeyUnavailableException: ['test/e2e/hsm-outage.test.ts', 'test/e2e/postgres-outage.test.ts'],
  DependencyTimeoutException: ['test/e2e/hsm-outage.test.ts', 'test/e2e/postgres-outage.test.ts'],
  KMSInternalException: [
    'test/integration/self-verify.test.ts',
    'test/e2e/audit-disk-full.test.ts',
  ],
  ThrottlingException: ['test/integration/back-pressure.test.ts'],
};

/** Declared for HMAC algorithms an HSM may lack; SoftHSM has them all. */
const VENDOR_GAPS = new Map([
  ['GenerateMac:UnsupportedOperationException', 'test/unit/operations/key-use.test.ts'],
  ['VerifyMac:UnsupportedOperationException', 'test/unit/operations/key-use.test.ts'],
  ['Encrypt:UnsupportedOperationException', 'test/unit/operations/encryption-input.test.ts'],
  ['ReEncrypt:UnsupportedOperationException', 'test/unit/operations/encryption-input.test.ts'],
  [
    'GenerateDataKeyWithoutPlaintext:UnsupportedOperationException',
    'test/unit/operations/encryption-input.test.ts',
  ],
]);

/** Change operations answer UnsupportedOperationException on a read-only gateway. */
const READ_ONLY = new Set(
  [...OPERATIONS.values()]
    .filter((op) => op.audit === 'change' && op.name !== 'CreateKey')
    .map((op) => op.name),
);

const declared = [...OPERATIONS.values()].flatMap((op) =>
  [...new Set(op.errors.map((e) => e.name))].map((name) => [op.name, name] as const),
);
const here = declared.filter(
  ([op, name]) =>
    !ELSEWHERE[name] &&
    !VENDOR_GAPS.has(`${op}:${name}`) &&
    !(READ_ONLY.has(op) && name === 'UnsupportedOperationException'),
);

it('names, for every case not provoked here, a test that provokes it', () => {
  const root = join(__dirname, '../..');
  for (const [op, name] of declared) {
    const files = ELSEWHERE[name] ?? [VENDOR_GAPS.get(`${op}:${name}`)].filter(Boolean);
    for (const file of files as string[]) {
      expect(existsSync(join(root, file))).toBe(true);
      expect(readFileSync(join(root, file), 'utf8')).toContain(name);
    }
  }
});

describe('on a writable gateway', () => {
  beforeAll(async () => {
    t = await startTestGateway();
  }, 60_000);
  afterAll(() => t?.close());

  it.each(here)('%s answers %s', async (op, name) => {
    const provoke = PROVOKE[name];
    if (!provoke) throw new Error(`no way to provoke ${name} here: add one, or name its test`);
    const input = { ...(await provoke(op)), ...TWEAK[name] };
    const answer = await call(op, input);
    expect({ type: answer.type, __type: answer.body.__type }).toEqual({ type: name, __type: name });
  });
});

// One gateway at a time: each closes (C_Finalize) the one SoftHSM module of this process.
describe('on a read-only gateway (pkcs11.readOnly)', () => {
  beforeAll(async () => {
    t = await startTestGateway({ env: { QKMS_PKCS11_READ_ONLY: 'true' } });
  }, 60_000);
  afterAll(() => t?.close());

  it.each([...READ_ONLY])('%s answers UnsupportedOperationException', async (op) => {
    const key = demoAlias(ROTATION_OPS.has(op) ? 'SYMMETRIC_DEFAULT' : 'ECC_NIST_P256');
    const input =
      op === 'CreateAlias'
        ? { AliasName: freshAlias(), TargetKeyId: (await described(key)).KeyId }
        : op === 'UpdateAlias'
          ? { AliasName: key, TargetKeyId: (await described(key)).KeyId }
          : op === 'DeleteAlias'
            ? { AliasName: key }
            : await valid(op, key);
    const answer = await call(op, input);
    expect(answer.type).toBe('UnsupportedOperationException');
    expect(answer.body.message).toContain('read-only (pkcs11.readOnly)');
  });
});

async function described(keyId: string): Promise<{ KeyId: string }> {
  return (await ok('DescribeKey', { KeyId: keyId })).KeyMetadata as { KeyId: string };
}
