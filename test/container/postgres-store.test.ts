// The image against PostgreSQL: two containers of the dev image stand for two hosts that share
// one HSM (the SoftHSM token on one volume) and keep key metadata in one database, on a throwaway
// PostgreSQL server this test starts on the host. The containers use the host's network, so they
// reach the server on loopback. What one container changes, the other serves; signatures verify.

import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListResourceTagsCommand,
  SignCommand,
  TagResourceCommand,
} from '@aws-sdk/client-kms';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { freePort } from '../support/daemon';
import { eventually } from '../support/eventually';
import { startPostgres, type PostgresServer } from '../support/postgres-server';
import {
  CONTAINER_IMAGE,
  DATA_DIR,
  createVolume,
  describeWithEngine,
  removeContainer,
  removeVolume,
} from './qkms-container';

// Both containers get this pair (QKMS_DEV_ACCESS_KEY_ID/SECRET), so a client knows it up front.
const CREDENTIALS = {
  accessKeyId: 'QKMSPOSTGRESTEST1',
  secretAccessKey: 'postgres-store-test-secret',
};

// Not QkmsContainer: these containers share the host's network (to reach PostgreSQL on
// loopback), where nothing is published and the module has no port to wait on.
describeWithEngine('the dev image with key metadata in PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let volume: string | undefined;
  const started: StartedTestContainer[] = [];
  const clients: KMSClient[] = [];
  let env: Record<string, string>;

  async function start(): Promise<{ container: StartedTestContainer; kms: KMSClient }> {
    const [api, ops] = [await freePort(), await freePort()];
    const container = await new GenericContainer(CONTAINER_IMAGE)
      .withNetworkMode('host')
      .withEnvironment({ ...env, QKMS_METRICS_PORT: String(ops) })
      .withCommand(['dev', '--data-dir', DATA_DIR, '--port', String(api)])
      .withBindMounts([{ source: volume as string, target: DATA_DIR, mode: 'rw' }])
      // No published ports on the host's network, so no HTTP wait: the banner follows readiness.
      .withWaitStrategy(Wait.forLogMessage('QKMS dev gateway on'))
      .withStartupTimeout(180_000)
      .start();
    started.push(container);
    const kms = new KMSClient({
      endpoint: `http://127.0.0.1:${api}`,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    clients.push(kms);
    return { container, kms };
  }

  beforeAll(async () => {
    server = await startPostgres();
    server.createDatabase('qkms');
    volume = await createVolume();
    env = {
      QKMS_METADATA_STORE: 'postgres',
      QKMS_METADATA_POSTGRES_URL: server.url('qkms'),
      QKMS_METADATA_POSTGRES_PASSWORD: readFileSync(server.passwordFile, 'utf8').trim(),
      QKMS_METADATA_POSTGRES_TLS: 'disable',
      QKMS_DEV_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      QKMS_DEV_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    };
  }, 60_000);

  afterAll(async () => {
    for (const kms of clients) kms.destroy();
    for (const container of started) await removeContainer(container.getId());
    if (volume) await removeVolume(volume);
    server?.remove();
  });

  it('serves on one host what another changed, through one database', async () => {
    // The first makes the token, its demo keys and the schema; the second finds them.
    const a = await start();
    const b = await start();

    const created = await a.kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    const keyId = created.KeyMetadata?.KeyId as string;
    await a.kms.send(new CreateAliasCommand({ AliasName: 'alias/shared', TargetKeyId: keyId }));

    const message = Buffer.from('signed on the other host');
    const signed = await eventually(
      () =>
        b.kms.send(
          new SignCommand({
            KeyId: 'alias/shared',
            Message: message,
            SigningAlgorithm: 'ECDSA_SHA_256',
          }),
        ),
      20_000,
    );
    const { PublicKey } = await a.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const publicKey = createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    expect(
      verify(
        'sha256',
        message,
        { key: publicKey, dsaEncoding: 'der' },
        Buffer.from(signed?.Signature as Uint8Array),
      ),
    ).toBe(true);

    await b.kms.send(
      new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'from', TagValue: 'b' }] }),
    );
    const seen = await eventually(async () => {
      const { Tags } = await a.kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
      return Tags?.some((t) => t.TagKey === 'from') ? true : undefined;
    }, 20_000);
    expect(seen).toBe(true);

    // The rows are where the server says they are (read by the test, not through QKMS).
    const rows = server?.psql(`SELECT name FROM qkms.aliases WHERE key_id = '${keyId}'`, 'qkms');
    expect(rows?.trim()).toBe('alias/shared');
  }, 300_000);
});
