// `qkms metadata migrate` there and back: every key, alias, tag, state, description and date
// made in the token store reads the same from PostgreSQL after token → postgres, a change made
// there reads the same in the token after postgres → token, a second run writes nothing, and
// a dry run writes nothing either. Each side is read through the daemon, as clients see it.

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { daemonKms, freePort } from '../support/daemon';
import {
  killEveryQkms,
  makeThrowawayToken,
  runQkmsCommand,
  spawnQkms,
  tokenEnv,
  waitReady,
  type ThrowawayToken,
} from '../support/metadata-harness';
import { testDatabase, testPostgres } from '../support/postgres-server';

let token: ThrowawayToken;
let pgEnv: Record<string, string>;

beforeAll(() => {
  token = makeThrowawayToken('qkms-migrate');
  pgEnv = testDatabase('migrate').env;
});
afterAll(async () => {
  await killEveryQkms();
  token?.remove();
});

/** Runs `work` against a daemon on the token with the given store settings. */
async function withDaemon<T>(store: Record<string, string>, work: (kms: KMSClient) => Promise<T>) {
  const ports = { api: await freePort(), metrics: await freePort() };
  const proc = spawnQkms(['serve'], tokenEnv(token, ports, store));
  await waitReady(proc, ports.metrics);
  const kms = daemonKms(`http://127.0.0.1:${ports.api}`);
  try {
    return await work(kms);
  } finally {
    kms.destroy();
    await proc.stop();
  }
}

/** Everything a client can read about every key and alias. */
async function everything(kms: KMSClient) {
  const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
  const described = [];
  for (const { KeyId } of keys) {
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId }));
    const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId }));
    described.push({ ...KeyMetadata, Tags });
  }
  const { Aliases } = await kms.send(new ListAliasesCommand({}));
  return { keys: described, aliases: Aliases };
}

const migrate = (from: string, to: string, ...more: string[]) =>
  runQkmsCommand(
    ['metadata', 'migrate', '--from', from, '--to', to, ...more],
    tokenEnv(token, { api: 0, metrics: 0 }, pgEnv),
  );

it('copies every key and alias token → postgres → token, unchanged, once', async () => {
  const inToken = await withDaemon({}, async (kms) => {
    const create = async (KeySpec: 'ECC_NIST_P256' | 'HMAC_256', Description: string) =>
      (
        await kms.send(
          new CreateKeyCommand({
            KeySpec,
            KeyUsage: KeySpec === 'HMAC_256' ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY',
            Description,
            Tags: [{ TagKey: 'team', TagValue: Description }],
          }),
        )
      ).KeyMetadata?.KeyId as string;
    const [signer, mac, retired] = [
      await create('ECC_NIST_P256', 'signer'),
      await create('HMAC_256', 'mac'),
      await create('ECC_NIST_P256', 'retired'),
    ];
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/signer', TargetKeyId: signer }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/mac', TargetKeyId: mac }));
    await kms.send(new DisableKeyCommand({ KeyId: mac }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: retired, PendingWindowInDays: 7 }));
    return everything(kms);
  });
  expect(inToken.keys).toHaveLength(3);

  const dry = await migrate('token', 'postgres', '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.output).toContain('would write 3 key(s) and 2 alias(es) from token to postgres');
  // A dry run writes nothing, not even the schema.
  const database = new URL(pgEnv.QKMS_METADATA_POSTGRES_URL as string).pathname.slice(1);
  expect(testPostgres().psql(`SELECT to_regclass('qkms.keys') IS NULL`, database).trim()).toBe('t');

  expect((await migrate('token', 'postgres')).code).toBe(0);
  expect((await migrate('token', 'postgres')).output).toContain('writing 0 key(s) and 0 alias(es)');

  const changedInPostgres = await withDaemon(pgEnv, async (kms) => {
    expect(await everything(kms)).toEqual(inToken);
    const signed = await kms.send(
      new SignCommand({
        KeyId: 'alias/signer',
        Message: Buffer.from('m'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(signed.Signature).toBeDefined();
    const signer = inToken.aliases?.find((a) => a.AliasName === 'alias/signer')
      ?.TargetKeyId as string;
    await kms.send(
      new TagResourceCommand({ KeyId: signer, Tags: [{ TagKey: 'moved', TagValue: 'yes' }] }),
    );
    await kms.send(
      new UpdateKeyDescriptionCommand({ KeyId: signer, Description: 'changed in postgres' }),
    );
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/second-name', TargetKeyId: signer }));
    return everything(kms);
  });

  expect((await migrate('postgres', 'token')).code).toBe(0);
  expect(await withDaemon({}, everything)).toEqual(changedInPostgres);
}, 180_000);
