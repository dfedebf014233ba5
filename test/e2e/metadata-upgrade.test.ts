// A token written by the previous QKMS (format 1: one "qkms-key/<id>/<revision>.<nonce>" data
// object per key revision, aliases inside the key record) keeps working: the daemon serves its
// keys and aliases, converts the records in place, and serves the same after a restart. The old
// objects are made here with pkcs11-tool, as that version left them, including the damage its
// bugs could leave: two revisions of one key after a crash, and one alias on two keys.

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  SignCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { daemonKms, freePort } from '../support/daemon';
import {
  killEveryQkms,
  makeThrowawayToken,
  SOFTHSM_MODULE_PATH,
  spawnQkms,
  tokenEnv,
  waitReady,
  type ThrowawayToken,
} from '../support/metadata-harness';

let token: ThrowawayToken;
const [A, B] = [randomUUID(), randomUUID()];
const hex = (keyId: string): string => keyId.replace(/-/g, '');

function tool(args: string[]): string {
  return execFileSync(
    'pkcs11-tool',
    [
      '--module',
      SOFTHSM_MODULE_PATH,
      '--token-label',
      token.label,
      '--login',
      '--pin',
      token.pin,
      ...args,
    ],
    {
      env: { ...process.env, SOFTHSM2_CONF: token.softhsmConf },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
}

/** A metadata object exactly as the previous version wrote it. */
function writeLegacy(keyId: string, revision: number, fields: Record<string, unknown>): void {
  const file = join(token.dir, `${keyId}-${revision}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      format: 1,
      keyId,
      keySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      description: '',
      state: 'Enabled',
      creationDate: 1700000000,
      origin: 'AWS_KMS',
      aliases: [],
      tags: [],
      locator: { idHex: hex(keyId) },
      ...fields,
    }),
  );
  tool([
    '--write-object',
    file,
    '--type',
    'data',
    '--private',
    '--label',
    `qkms-key/${keyId}/${revision}.0a1b2c3d`,
    '--application-label',
    'qkms',
  ]);
}

const dataLabels = (): string[] =>
  [...tool(['--list-objects', '--type', 'data']).matchAll(/label:\s+'?([^'\s]+)/g)].map(
    (m) => m[1] as string,
  );

async function serve(): Promise<{
  kms: KMSClient;
  stop: () => Promise<void>;
  output: () => string;
}> {
  const ports = { api: await freePort(), metrics: await freePort() };
  const proc = spawnQkms(['serve'], tokenEnv(token, ports));
  await waitReady(proc, ports.metrics);
  const kms = daemonKms(`http://127.0.0.1:${ports.api}`);
  return {
    kms,
    output: () => proc.output(),
    stop: async () => {
      kms.destroy();
      await proc.stop();
    },
  };
}

async function expectServed(kms: KMSClient): Promise<void> {
  const keys = (await kms.send(new ListKeysCommand({}))).Keys?.map((k) => k.KeyId).sort();
  expect(keys).toEqual([A, B].sort());
  const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases?.map((a) => [
    a.AliasName,
    a.TargetKeyId,
  ]);
  expect(aliases).toEqual([
    ['alias/a-only', A],
    ['alias/both', B],
    ['alias/tagged', B],
  ]);
  const a = await kms.send(new DescribeKeyCommand({ KeyId: A }));
  expect(a.KeyMetadata).toMatchObject({ Description: 'revision 2', KeyState: 'Disabled' });
  const signed = await kms.send(
    new SignCommand({
      KeyId: 'alias/both',
      Message: Buffer.from('m'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );
  expect(signed.KeyId).toContain(B);
}

beforeAll(() => {
  token = makeThrowawayToken('qkms-upgrade');
  for (const keyId of [A, B])
    tool(['--keypairgen', '--key-type', 'EC:prime256v1', '--label', keyId, '--id', hex(keyId)]);
  // A crash between "write revision 2" and "destroy revision 1" left both.
  writeLegacy(A, 1, {
    description: 'revision 1',
    aliases: [{ name: 'alias/both', creationDate: 1700000100 }],
  });
  writeLegacy(A, 2, {
    description: 'revision 2',
    state: 'Disabled',
    aliases: [
      { name: 'alias/both', creationDate: 1700000100 },
      { name: 'alias/a-only', creationDate: 1700000101 },
    ],
  });
  // The old CreateAlias race: the same name also on B, created later.
  writeLegacy(B, 1, {
    tags: [{ TagKey: 'team', TagValue: 'payments' }],
    aliases: [
      { name: 'alias/both', creationDate: 1700000200 },
      { name: 'alias/tagged', creationDate: 1700000201 },
    ],
  });
});
afterAll(async () => {
  await killEveryQkms();
  token?.remove();
});

it('serves and converts the previous layout in place, one key per alias', async () => {
  const first = await serve();
  await expectServed(first.kms);
  expect(first.output()).toContain('alias alias/both was recorded on keys');
  await first.stop();
  // Only the new layout is left: one record per key and per alias, the generation record, and
  // the paging-marker secret every process of this token shares.
  expect(dataLabels().sort()).toEqual(
    [
      `qkms-key/${A}`,
      `qkms-key/${B}`,
      'qkms-alias/a-only',
      'qkms-alias/both',
      'qkms-alias/tagged',
      'qkms-generation',
      'qkms-secret/paging-markers',
    ].sort(),
  );
  const again = await serve();
  await expectServed(again.kms);
  await again.stop();
}, 120_000);
