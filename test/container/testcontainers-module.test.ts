// The options of qkms/testcontainers against the real dev image: a fixed SigV4 pair that is
// the only one accepted and never shows up in the container's log or in the printed object,
// auth none published only on the address the tests reach Docker by, and a kept volume on which a second start makes only what is new and a
// contradicting QKMS_DEV_KEYS entry stops start() with the entry named.

import { listKeysWithHost } from '../support/raw-requests';
import { inspect } from 'node:util';
import {
  DescribeKeyCommand,
  ListAliasesCommand,
  SignCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { getContainerRuntimeClient } from 'testcontainers';
import { QkmsContainer, type StartedQkmsContainer } from '../../src/testcontainers';
import {
  API_PORT,
  CONTAINER_IMAGE,
  containerLog,
  createVolume,
  describeWithEngine,
  removeVolume,
} from './qkms-container';

const PAIR = {
  accessKeyId: 'QKMSMODULETEST0001',
  secretAccessKey: 'module-test/secret+value=0123',
};

/** An unauthenticated ListKeys to `address:port` carrying the Host header `host`. */
const fetchAs = listKeysWithHost;

function sign(kms: KMSClient, keyId: string) {
  return kms.send(
    new SignCommand({
      KeyId: keyId,
      Message: Buffer.from('m'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );
}

describeWithEngine('qkms/testcontainers options', () => {
  const started: StartedQkmsContainer[] = [];
  afterAll(async () => {
    for (const container of started) await container.stop().catch(() => undefined);
  }, 60_000);

  async function start(container: QkmsContainer): Promise<StartedQkmsContainer> {
    const kms = await container.start();
    started.push(kms);
    return kms;
  }

  it('serves only the fixed pair, in the region asked for, with no demo keys, and never logs the secret', async () => {
    const kms = await start(
      new QkmsContainer(CONTAINER_IMAGE)
        .withKey({ alias: 'alias/app', spec: 'ECC_NIST_P256' })
        .withCredentials(PAIR)
        .withRegion('eu-central-1')
        .withDemoKeys(false),
    );
    expect(kms.credentials).toEqual(PAIR);
    expect(kms.region).toBe('eu-central-1');
    expect(inspect(kms, { depth: 5 })).not.toContain(PAIR.secretAccessKey);
    expect(JSON.stringify(kms)).not.toContain(PAIR.secretAccessKey);

    const client = kms.client({ maxAttempts: 1 });
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: 'alias/app' }));
    const arn = `arn:aws:kms:eu-central-1:${KeyMetadata?.AWSAccountId}:key/${kms.keyId('alias/app')}`;
    expect(KeyMetadata?.Arn).toBe(arn);
    await expect(sign(client, 'alias/app')).resolves.toMatchObject({ KeyId: arn });
    const { Aliases = [] } = await client.send(new ListAliasesCommand({}));
    expect(Aliases.map((a) => a.AliasName)).toEqual(['alias/app']);

    const wrongSecret = kms.client({
      maxAttempts: 1,
      credentials: { ...PAIR, secretAccessKey: 'another-secret-of-16+' },
    });
    await expect(sign(wrongSecret, 'alias/app')).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });

    const log = await containerLog(kms.getId());
    expect(log).toContain('QKMS dev gateway on');
    expect(log).not.toContain(PAIR.secretAccessKey);
  }, 180_000);

  it('with auth none takes any credentials, on a port published only where the tests run', async () => {
    const kms = await start(
      new QkmsContainer(CONTAINER_IMAGE)
        .withKey({ alias: 'alias/open', spec: 'ECC_NIST_P256' })
        .withAuthMode('none')
        .withDemoKeys(false),
    );
    const anyone = kms.client({
      maxAttempts: 1,
      credentials: { accessKeyId: 'ANYONE', secretAccessKey: 'anything' },
    });
    await expect(sign(anyone, 'alias/open')).resolves.toMatchObject({
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    // A request addressed to a host name (what DNS rebinding would send) is still refused.
    const { port } = new URL(kms.endpoint);
    const rebound = await fetchAs(new URL(kms.endpoint).hostname, Number(port), 'evil.example');
    expect(rebound).toEqual({ status: 400, type: 'AccessDeniedException' });

    const runtime = (await getContainerRuntimeClient()).info.containerRuntime;
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const ports = (await docker.getContainer(kms.getId()).inspect()).NetworkSettings.Ports;
    const bindings = ports[`${API_PORT}/tcp`] ?? [];
    expect(bindings.map((b) => b.HostIp)).toEqual([
      (runtime.hostIps.find((ip) => ip.family === 4) ?? runtime.hostIps[0])?.address,
    ]);
  }, 180_000);

  describe('on a kept volume', () => {
    let volume: string;
    beforeAll(async () => {
      volume = await createVolume();
    });
    afterAll(async () => {
      for (const container of started.splice(0)) await container.stop().catch(() => undefined);
      if (volume) await removeVolume(volume);
    }, 60_000);

    const onVolume = () => new QkmsContainer(CONTAINER_IMAGE).withVolume(volume);

    it('keeps the keys it made and makes only the new ones on the next start', async () => {
      const first = await start(
        onVolume()
          .withKey({ alias: 'alias/kept', spec: 'ECC_NIST_P256' })
          .withAlias('alias/kept-current', 'alias/kept'),
      );
      const kept = first.keyId('alias/kept');
      const credentials = first.credentials;
      await first.stop();

      const second = await start(
        onVolume()
          .withKey({ alias: 'alias/kept', spec: 'ECC_NIST_P256' })
          .withKey({ alias: 'alias/added', spec: 'HMAC_512' })
          .withAlias('alias/kept-current', 'alias/kept'),
      );
      expect(second.keyId('alias/kept')).toBe(kept);
      expect(second.keyId('alias/kept-current')).toBe(kept);
      expect(second.keyId('alias/added')).not.toBe(kept);
      expect(second.credentials).toEqual(credentials);
      await expect(sign(second.client({ maxAttempts: 1 }), 'alias/kept')).resolves.toBeDefined();
      await second.stop();
    }, 240_000);

    it('refuses to start when an entry contradicts the token, naming the entry', async () => {
      const contradicting = onVolume().withKey({ alias: 'alias/kept', spec: 'RSA_2048' });
      await expect(contradicting.start()).rejects.toThrow(
        /QKMS_DEV_KEYS entry "alias\/kept=RSA_2048": alias\/kept already names key [0-9a-f-]{36}, whose spec is ECC_NIST_P256/,
      );
    }, 180_000);
  });
});
