// Two gateway processes on one SoftHSM token agree: what one changes, the other sees within its
// metadata refresh interval (1 s here; the documented bound is metadata.refreshSeconds).

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  type KeyState,
} from '@aws-sdk/client-kms';
import { daemonKms, freePort, startDaemon, type Daemon } from '../support/daemon';
import { eventually } from '../support/eventually';
import { startTestGateway, testTokenEnv, type TestGateway } from '../support/test-token';

const REFRESH = { QKMS_METADATA_REFRESH_SECONDS: '1' };
const BOUND_MS = 5_000; // five refresh intervals

let a: TestGateway;
let b: Daemon;
let bKms: KMSClient;

beforeAll(async () => {
  const port = await freePort();
  b = await startDaemon(
    ['serve'],
    { ...testTokenEnv(), ...REFRESH, QKMS_LISTEN_PORT: String(port) },
    port,
  );
  a = await startTestGateway({ env: REFRESH });
  bKms = daemonKms(b.url);
}, 60_000);

afterAll(async () => {
  bKms?.destroy();
  await a?.close();
  expect(await b?.stop()).toBe(0);
});

const stateIn = (kms: KMSClient, keyId: string) => async (): Promise<KeyState | undefined> =>
  (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState;

it('shows a key created, aliased, disabled and scheduled for deletion through one process in the other', async () => {
  const created = await a.kms.send(
    new CreateKeyCommand({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      Description: 'shared',
    }),
  );
  const keyId = created.KeyMetadata?.KeyId as string;

  expect(await eventually(stateIn(bKms, keyId), BOUND_MS)).toBe('Enabled');

  await a.kms.send(
    new CreateAliasCommand({ AliasName: 'alias/shared-between-replicas', TargetKeyId: keyId }),
  );
  const viaAlias = await eventually(
    async () =>
      (await bKms.send(new DescribeKeyCommand({ KeyId: 'alias/shared-between-replicas' })))
        .KeyMetadata?.KeyId,
    BOUND_MS,
  );
  expect(viaAlias).toBe(keyId);

  await bKms.send(new DisableKeyCommand({ KeyId: keyId }));
  expect(
    await eventually(
      async () => ((await stateIn(a.kms, keyId)()) === 'Disabled' ? 'Disabled' : undefined),
      BOUND_MS,
    ),
  ).toBe('Disabled');

  await bKms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
  expect(
    await eventually(
      async () =>
        (await stateIn(a.kms, keyId)()) === 'PendingDeletion' ? 'PendingDeletion' : undefined,
      BOUND_MS,
    ),
  ).toBe('PendingDeletion');
}, 60_000);

it('continues a listing on the other process with the marker this one issued', async () => {
  const first = await a.kms.send(new ListKeysCommand({ Limit: 2 }));
  expect(first.NextMarker).toBeDefined();
  const rest = await bKms.send(new ListKeysCommand({ Marker: first.NextMarker, Limit: 1000 }));
  const all = await a.kms.send(new ListKeysCommand({ Limit: 1000 }));
  expect([...(first.Keys ?? []), ...(rest.Keys ?? [])].map((k) => k.KeyId)).toEqual(
    (all.Keys ?? []).map((k) => k.KeyId),
  );
}, 30_000);
