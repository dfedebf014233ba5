// The metadata database goes away under signing load and comes back. While it is away: the
// gateway says not ready at once; key changes fail at once with a retryable error; keys keep
// signing with the metadata the gateway last saw for metadata.postgres.maxStaleSeconds (3 s
// here), then answer KeyUnavailableException; no answer is ever a 500 or a hang, and every
// signature given verifies. Once it is back, everything serves again without a restart and no
// change acknowledged before the outage is missing.

import { createPublicKey, verify } from 'node:crypto';
import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  ListResourceTagsCommand,
  SignCommand,
  TagResourceCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { daemonKms, freePort, runQkms, startDaemon, type Daemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { testDatabase, testPostgres } from '../support/postgres-server';
import { testTokenEnv } from '../support/test-token';

const MESSAGE = Buffer.from('signed while the metadata database comes and goes');

let daemon: Daemon;
let kms: KMSClient;
let metricsUrl: string;

beforeAll(async () => {
  const [port, metrics] = [await freePort(), await freePort()];
  metricsUrl = `http://127.0.0.1:${metrics}`;
  daemon = await startDaemon(
    ['serve'],
    {
      ...testTokenEnv(),
      ...testDatabase('outage').env,
      QKMS_LISTEN_PORT: String(port),
      QKMS_METRICS_PORT: String(metrics),
      QKMS_METADATA_REFRESH_SECONDS: '1',
      QKMS_METADATA_POSTGRES_MAX_STALE_SECONDS: '3',
      QKMS_METADATA_POSTGRES_CONNECT_TIMEOUT_MS: '500',
    },
    port,
  );
  kms = daemonKms(daemon.url);
}, 60_000);

afterAll(async () => {
  kms?.destroy();
  await daemon?.stop();
});

const ready = async () => (await fetch(`${metricsUrl}/readyz`)).status === 200;
const errorName = (err: unknown) => (err as Error).name;

it('signs within its staleness bound, refuses changes at once, and heals when the database returns', async () => {
  const created = await kms.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
  );
  const keyId = created.KeyMetadata?.KeyId as string;
  await kms.send(
    new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'before', TagValue: 'outage' }] }),
  );
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const publicKey = createPublicKey({
    key: Buffer.from(PublicKey as Uint8Array),
    format: 'der',
    type: 'spki',
  });
  expect(await ready()).toBe(true);

  // Signing load for the whole test: each outcome is a verified signature or an error name.
  const outcomes: string[] = [];
  let signing = true;
  const load = (async () => {
    while (signing) {
      try {
        const { Signature } = await kms.send(
          new SignCommand({ KeyId: keyId, Message: MESSAGE, SigningAlgorithm: 'ECDSA_SHA_256' }),
        );
        const valid = verify(
          'sha256',
          MESSAGE,
          { key: publicKey, dsaEncoding: 'der' },
          Buffer.from(Signature as Uint8Array),
        );
        outcomes.push(valid ? 'signed' : 'SignatureDidNotVerify');
      } catch (err) {
        outcomes.push(errorName(err));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const server = testPostgres();
  server.stop('fast');
  try {
    const stoppedAt = outcomes.length;
    expect(await eventually(async () => ((await ready()) ? undefined : true), 15_000)).toBe(true);
    // A key change cannot be made, and says so at once with a retryable error.
    const change = await kms
      .send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'during', TagValue: 'x' }] }))
      .then(() => 'acknowledged', errorName);
    expect(change).toBe('DependencyTimeoutException');
    // Past the staleness bound, uses are refused too.
    const refused = await eventually(
      async () =>
        outcomes.slice(stoppedAt).includes('KeyUnavailableException') ? true : undefined,
      30_000,
    );
    expect(refused).toBe(true);
    // Within the bound (before the first refusal) it went on signing.
    const during = outcomes.slice(stoppedAt);
    expect(during.slice(0, during.indexOf('KeyUnavailableException'))).toContain('signed');
  } finally {
    server.start();
  }

  const restartedAt = outcomes.length;
  expect(await eventually(async () => ((await ready()) ? true : undefined), 30_000)).toBe(true);
  expect(
    await eventually(
      async () => (outcomes.slice(restartedAt).includes('signed') ? true : undefined),
      30_000,
    ),
  ).toBe(true);
  signing = false;
  await load;

  // Every answer of the whole run was a verified signature or a retryable error.
  expect(new Set(outcomes)).toEqual(new Set(['signed', 'KeyUnavailableException']));
  // Nothing acknowledged before the outage is missing, and changes work again.
  await kms.send(
    new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'after', TagValue: 'outage' }] }),
  );
  const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
  expect(Tags?.map((t) => t.TagKey).sort()).toEqual(['after', 'before']);
}, 120_000);

it('says why it cannot start on the database (a refused password), and exits', async () => {
  const [port, metrics] = [await freePort(), await freePort()];
  const { code, output } = await runQkms(['serve'], {
    ...testTokenEnv(),
    ...testDatabase('refused').env,
    QKMS_METADATA_POSTGRES_PASSWORD_FILE: '',
    QKMS_METADATA_POSTGRES_PASSWORD: 'not-the-password',
    QKMS_LISTEN_PORT: String(port),
    QKMS_METRICS_PORT: String(metrics),
  });
  expect(code).toBe(1);
  expect(output).toContain(
    'cannot open the key metadata database: password authentication failed for user "qkms"',
  );
  expect(output).not.toContain('not-the-password');
}, 60_000);
