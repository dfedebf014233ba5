// The token volume is the whole state: a new container on the same volume serves the same
// keys (same public keys), aliases and key states, with the same generated credentials, and
// does not make a second set of demo keys.

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  GetPublicKeyCommand,
  type KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
} from '@aws-sdk/client-kms';
import { createPublicKey, verify } from 'node:crypto';
import { DEMO_KEYS } from '../../src/cli/dev-token';
import { KEY_SPEC_TABLE } from '../../src/crypto/key-specs';
import type { StartedQkmsContainer } from '../../src/testcontainers';
import {
  containerState,
  createVolume,
  describeWithEngine,
  removeContainer,
  removeVolume,
  startQkms,
} from './qkms-container';

describeWithEngine('dev image on a persistent token volume', () => {
  let volume: string;
  const containers: StartedQkmsContainer[] = [];
  const clients: KMSClient[] = [];

  beforeAll(async () => {
    volume = await createVolume();
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    for (const container of containers) await removeContainer(container.getId());
    if (volume) await removeVolume(volume);
  }, 60_000);

  async function start(): Promise<KMSClient> {
    const container = await startQkms(volume);
    containers.push(container);
    const kms = container.client({ maxAttempts: 1 });
    clients.push(kms);
    return kms;
  }

  it('keeps keys, aliases and key states across a stop and a new container', async () => {
    const first = await start();
    const firstContainer = containers[0] as StartedQkmsContainer;
    const credentials = firstContainer.credentials;

    const created = await first.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'kept',
      }),
    );
    const keptId = created.KeyMetadata?.KeyId as string;
    await first.send(new CreateAliasCommand({ AliasName: 'alias/kept', TargetKeyId: keptId }));
    const disabled = await first.send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Description: 'off' }),
    );
    const disabledId = disabled.KeyMetadata?.KeyId as string;
    await first.send(new DisableKeyCommand({ KeyId: disabledId }));
    const doomed = await first.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY' }),
    );
    const doomedId = doomed.KeyMetadata?.KeyId as string;
    const scheduled = await first.send(
      new ScheduleKeyDeletionCommand({ KeyId: doomedId, PendingWindowInDays: 7 }),
    );
    const keptPublicKey = (await first.send(new GetPublicKeyCommand({ KeyId: 'alias/kept' })))
      .PublicKey as Uint8Array;
    const keysBefore = ((await first.send(new ListKeysCommand({}))).Keys ?? [])
      .map((k) => k.KeyId)
      .sort();
    const aliasesBefore = ((await first.send(new ListAliasesCommand({}))).Aliases ?? [])
      .map((a) => `${a.AliasName}=${a.TargetKeyId}`)
      .sort();

    // docker stop: SIGTERM, drain, exit 0; the container is kept for its exit code.
    await firstContainer.stop({ timeout: 30_000, remove: false });
    expect(await containerState(firstContainer)).toEqual({ running: false, exitCode: 0 });

    const second = await start();
    const secondContainer = containers[1] as StartedQkmsContainer;
    expect(secondContainer.credentials).toEqual(credentials);
    const keysAfter = ((await second.send(new ListKeysCommand({}))).Keys ?? [])
      .map((k) => k.KeyId)
      .sort();
    expect(keysAfter).toEqual(keysBefore);
    // The demo keys SoftHSM can make plus the three made above: no second set of demo keys.
    const demoKeys = DEMO_KEYS.filter(
      (k) => KEY_SPEC_TABLE[k.spec].generation.kind !== 'unavailable',
    );
    expect(keysAfter).toHaveLength(demoKeys.length + 3);
    const aliasesAfter = ((await second.send(new ListAliasesCommand({}))).Aliases ?? [])
      .map((a) => `${a.AliasName}=${a.TargetKeyId}`)
      .sort();
    expect(aliasesAfter).toEqual(aliasesBefore);
    expect(aliasesAfter).toContain(`alias/kept=${keptId}`);

    const kept = await second.send(new GetPublicKeyCommand({ KeyId: 'alias/kept' }));
    expect(Buffer.from(kept.PublicKey as Uint8Array)).toEqual(Buffer.from(keptPublicKey));
    const message = Buffer.from('after the restart');
    const { Signature } = await second.send(
      new SignCommand({
        KeyId: 'alias/kept',
        Message: message,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const publicKey = createPublicKey({
      key: Buffer.from(keptPublicKey),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', message, publicKey, Buffer.from(Signature as Uint8Array))).toBe(true);

    const off = await second.send(new DescribeKeyCommand({ KeyId: disabledId }));
    expect(off.KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    await expect(
      second.send(
        new SignCommand({
          KeyId: disabledId,
          Message: message,
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'DisabledException' });
    const pending = await second.send(new DescribeKeyCommand({ KeyId: doomedId }));
    expect(pending.KeyMetadata?.KeyState).toBe('PendingDeletion');
    expect(pending.KeyMetadata?.DeletionDate?.getTime()).toBe(scheduled.DeletionDate?.getTime());
    const keptAfter = await second.send(new DescribeKeyCommand({ KeyId: keptId }));
    expect(keptAfter.KeyMetadata).toMatchObject({ KeyState: 'Enabled', Description: 'kept' });
  }, 300_000);
});
