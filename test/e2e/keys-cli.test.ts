// `qkms keys` on a live token: adopt a key pair made with pkcs11-tool, create one from the
// command line, and sign with both through the gateway (checked with openssl).

import {
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import {
  DeriveSharedSecretCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { runQkms } from '../support/daemon';
import { pkcs11Tool } from '../support/pkcs11-tool';
import { startTestGateway, testTokenEnv } from '../support/test-token';
import { opensslVerifies } from '../support/verify-independently';

const env = testTokenEnv();
const suffix = randomBytes(4).toString('hex');

async function signsAndVerifies(
  keyRef: string,
  algorithm: 'ECDSA_SHA_256' | 'ECDSA_SHA_384',
): Promise<boolean> {
  const t = await startTestGateway();
  try {
    const message = Buffer.from(`signed with ${keyRef}`);
    const { Signature } = await t.kms.send(
      new SignCommand({ KeyId: keyRef, Message: message, SigningAlgorithm: algorithm }),
    );
    const { PublicKey } = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyRef }));
    return opensslVerifies(
      algorithm,
      Buffer.from(PublicKey as Uint8Array),
      message,
      Buffer.from(Signature as Uint8Array),
    );
  } finally {
    await t.close();
  }
}

it('adopts a key pair made with pkcs11-tool, which then signs and verifies', async () => {
  const label = `admin-made-${suffix}`;
  pkcs11Tool([
    '--keypairgen',
    '--key-type',
    'EC:prime256v1',
    '--label',
    label,
    '--id',
    `a1${suffix}`,
  ]);
  const imported = await runQkms(
    [
      'keys',
      'import',
      '--label',
      label,
      '--alias',
      `alias/admin-${suffix}`,
      '--description',
      'from pkcs11-tool',
    ],
    env,
  );
  expect(imported.code).toBe(0);
  const keyId = imported.output.trim().split('\n').pop() as string;
  expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const listed = await runQkms(['keys', 'list'], env);
  expect(listed.output).toContain(
    `${keyId}\tECC_NIST_P256\tEnabled\tEXTERNAL\talias/admin-${suffix}`,
  );
  expect(await signsAndVerifies(`alias/admin-${suffix}`, 'ECDSA_SHA_256')).toBe(true);
}, 60_000);

it('creates a key from the command line', async () => {
  const created = await runQkms(
    ['keys', 'create', '--spec', 'ECC_NIST_P384', '--alias', `alias/cli-${suffix}`],
    env,
  );
  expect(created.code).toBe(0);
  expect(await signsAndVerifies(`alias/cli-${suffix}`, 'ECDSA_SHA_384')).toBe(true);
}, 60_000);

it("creates a key with another usage than the spec's first (--usage), and refuses one the spec lacks", async () => {
  const alias = `alias/cli-ecdh-${suffix}`;
  const created = await runQkms(
    ['keys', 'create', '--spec', 'ECC_NIST_P256', '--usage', 'KEY_AGREEMENT', '--alias', alias],
    env,
  );
  expect(created.code).toBe(0);
  const t = await startTestGateway();
  try {
    const { KeyMetadata } = await t.kms.send(new DescribeKeyCommand({ KeyId: alias }));
    expect(KeyMetadata?.KeyUsage).toBe('KEY_AGREEMENT');
    const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const { SharedSecret } = await t.kms.send(
      new DeriveSharedSecretCommand({
        KeyId: alias,
        KeyAgreementAlgorithm: 'ECDH',
        PublicKey: peer.publicKey.export({ format: 'der', type: 'spki' }),
      }),
    );
    const { PublicKey } = await t.kms.send(new GetPublicKeyCommand({ KeyId: alias }));
    const ours = createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    expect(Buffer.from(SharedSecret as Uint8Array)).toEqual(
      diffieHellman({ privateKey: peer.privateKey, publicKey: ours }),
    );
  } finally {
    await t.close();
  }
  const refused = await runQkms(
    ['keys', 'create', '--spec', 'ECC_SECG_P256K1', '--usage', 'KEY_AGREEMENT'],
    env,
  );
  expect(refused.code).not.toBe(0);
  expect(refused.output).toContain(
    'ECC_SECG_P256K1 keys take key usage SIGN_VERIFY, not KEY_AGREEMENT',
  );
}, 60_000);

it('prints a config entry instead of writing when the token is read-only', async () => {
  const label = `readonly-${suffix}`;
  pkcs11Tool([
    '--keypairgen',
    '--key-type',
    'EC:secp384r1',
    '--label',
    label,
    '--id',
    `b2${suffix}`,
  ]);
  const before = await runQkms(['keys', 'list'], env);
  const out = await runQkms(
    ['keys', 'import', '--label', label, '--key-id', '7f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'],
    { ...env, QKMS_PKCS11_READ_ONLY: 'true' },
  );
  expect(out.code).toBe(0);
  expect(out.output).toContain('- keyId: 7f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9\n  label: readonly-');
  const after = await runQkms(['keys', 'list'], env);
  expect(after.output).toBe(before.output);
}, 60_000);

it('refuses to import what is not in the token', async () => {
  const out = await runQkms(['keys', 'import', '--label', `missing-${suffix}`], env);
  expect(out.code).toBe(1);
  expect(out.output).toContain('no key in the token matches {"label":"missing-');
});

it('lists key objects QKMS made that no record names, and removes them with --remove', async () => {
  // What a crash of an earlier version left: a key pair with QKMS's markers (CKA_LABEL = a key
  // id, CKA_ID = its 16 bytes) and no metadata record.
  const orphan = randomUUID();
  const idHex = orphan.replace(/-/g, '');
  pkcs11Tool(['--keypairgen', '--key-type', 'EC:prime256v1', '--label', orphan, '--id', idHex]);
  // And a key made by an administrator, imported: never an orphan.
  const adopted = `adopted-${suffix}-o`;
  pkcs11Tool([
    '--keypairgen',
    '--key-type',
    'EC:prime256v1',
    '--label',
    adopted,
    '--id',
    `c3${suffix}`,
  ]);
  expect((await runQkms(['keys', 'import', '--label', adopted], env)).code).toBe(0);

  const listed = await runQkms(['keys', 'orphans'], env);
  expect(listed.code).toBe(0);
  expect(listed.output).toContain(`${orphan}\tprivate,public\torphan`);
  const known = (await runQkms(['keys', 'list'], env)).output
    .trim()
    .split('\n')
    .map((line) => line.split('\t')[0]);
  for (const keyId of known) expect(listed.output).not.toContain(keyId);

  const removed = await runQkms(['keys', 'orphans', '--remove'], env);
  expect(removed.output).toContain(`${orphan}\tprivate,public\tremoved`);
  expect(pkcs11Tool(['--list-objects', '--type', 'privkey'])).not.toContain(orphan);
  const again = await runQkms(['keys', 'orphans'], env);
  expect(again.output).not.toContain(orphan);
  expect(await signsAndVerifies(`alias/cli-${suffix}`, 'ECDSA_SHA_384')).toBe(true);
}, 60_000);
