// The production image (default target) as an operator runs it: `qkms serve` with a config
// file mounted at /etc/qkms/qkms.yaml, the PIN and SigV4 credentials as files, and a PKCS#11
// module installed with the PKCS11_PACKAGES build argument (SoftHSM here, standing in for a
// vendor library). The token is the one a dev container created in a volume.

import { constants, createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import {
  API_PORT,
  containerState,
  createVolume,
  DATA_DIR,
  describeWithEngine,
  OPS_PORT,
  opsGet,
  removeContainer,
  removeVolume,
  RUNTIME_IMAGE,
  startQkms,
} from './qkms-container';

// What an operator writes; secrets are only named, never inlined.
const CONFIG = `auth:
  mode: sigv4
  credentialsFile: ${DATA_DIR}/credentials.yaml
listen:
  host: 0.0.0.0
  port: ${API_PORT}
pkcs11:
  module: /usr/lib/softhsm/libsofthsm2.so
  tokenLabel: qkms-dev
  pinFile: ${DATA_DIR}/user.pin
metrics:
  host: 0.0.0.0
  port: ${OPS_PORT}
`;

describeWithEngine('runtime image', () => {
  let volume: string;
  let dev: StartedTestContainer | undefined;
  let runtime: StartedTestContainer | undefined;
  let kms: KMSClient;

  beforeAll(async () => {
    volume = await createVolume();
    // A dev container creates the token, its PIN and the credentials in the volume.
    const devContainer = await startQkms(volume);
    dev = devContainer;
    const credentials = devContainer.credentials; // the runtime image serves the same ones
    await dev.stop({ timeout: 30_000, remove: false });
    runtime = await new GenericContainer(RUNTIME_IMAGE)
      .withExposedPorts(API_PORT, OPS_PORT)
      .withBindMounts([{ source: volume, target: DATA_DIR, mode: 'rw' }])
      .withCopyContentToContainer([{ content: CONFIG, target: '/etc/qkms/qkms.yaml' }])
      // SoftHSM finds its token directory through this file (a vendor library has its own).
      .withEnvironment({ SOFTHSM2_CONF: `${DATA_DIR}/softhsm2.conf` })
      .withWaitStrategy(Wait.forLogMessage('QKMS is serving'))
      .withStartupTimeout(120_000)
      .start();
    kms = new KMSClient({
      endpoint: `http://${runtime.getHost()}:${runtime.getMappedPort(API_PORT)}`,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
  }, 300_000);

  afterAll(async () => {
    kms?.destroy();
    for (const container of [dev, runtime]) if (container) await removeContainer(container.getId());
    if (volume) await removeVolume(volume);
  }, 60_000);

  it('serves the token with the mounted config and file secrets, as a non-root user', async () => {
    expect(await opsGet(runtime as StartedTestContainer, '/readyz')).toBe(200);
    const { stdout } = await (runtime as StartedTestContainer).exec(['id', '-u']);
    expect(stdout.trim()).toBe('10001');
    // The build stage's compilers stay out of the runtime image.
    const tools = await (runtime as StartedTestContainer).exec([
      'sh',
      '-c',
      'for tool in g++ make python3 tini; do command -v $tool; done; true',
    ]);
    expect(tools.stdout.trim().split('\n')).toEqual(['/usr/bin/tini']);
    // The production runtime is Node 24 LTS (docs/deployment.md), unless BASE_IMAGE names another.
    const major = /^node:(\d+)/.exec(process.env.BASE_IMAGE ?? 'node:24')?.[1] ?? '24';
    const node = await (runtime as StartedTestContainer).exec(['node', '--version']);
    expect(node.stdout.trim()).toMatch(new RegExp(`^v${major}\\.\\d+\\.\\d+$`));

    const keyId = 'alias/demo-rsa-2048';
    const message = Buffer.from('served by the runtime image');
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const { Signature } = await kms.send(
      new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: 'RSASSA_PSS_SHA_256' }),
    );
    const key = createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    expect(
      verify(
        'sha256',
        message,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(Signature as Uint8Array),
      ),
    ).toBe(true);
  }, 60_000);

  it('stops on SIGTERM with exit code 0', async () => {
    await (runtime as StartedTestContainer).stop({ timeout: 30_000, remove: false });
    expect(await containerState(runtime as StartedTestContainer)).toEqual({
      running: false,
      exitCode: 0,
    });
  }, 60_000);
});
