// The dev image as a user runs it: a non-root gateway on a SoftHSM token in a volume, whose
// demo keys sign and MAC over HTTP with the real SDK; every signature is checked with
// node:crypto, not with QKMS.

import {
  DescribeKeyCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  type KMSClient,
  ListAliasesCommand,
  type MacAlgorithmSpec,
  SignCommand,
  type SigningAlgorithmSpec,
  VerifyCommand,
  VerifyMacCommand,
} from '@aws-sdk/client-kms';
import { getContainerRuntimeClient } from 'testcontainers';
import type { StartedQkmsContainer } from '../../src/testcontainers';
import { nodeVerifies } from '../support/verify-independently';
import {
  createVolume,
  describeWithEngine,
  OPS_PORT,
  opsGet,
  tearDown,
  startQkms,
} from './qkms-container';

const SIGNING_SPECS = [
  'ECC_NIST_EDWARDS25519',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
];
const MAC_SPECS = ['HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512'];

describeWithEngine('dev image', () => {
  let volume: string;
  let container: StartedQkmsContainer;
  let kms: KMSClient;

  beforeAll(async () => {
    volume = await createVolume();
    container = await startQkms(volume);
    kms = container.client({ maxAttempts: 1 });
  }, 240_000);

  afterAll(() => tearDown(kms, container, volume), 60_000);

  it('runs the daemon as the unprivileged user 10001, under tini as PID 1', async () => {
    const client = await getContainerRuntimeClient();
    const info = await client.container.dockerode.getContainer(container.getId()).inspect();
    expect(info.Config.User).toBe('10001:10001');
    const ps = await container.exec([
      'sh',
      '-c',
      // The executable, not comm: Node 24 names its main thread "MainThread".
      'for p in /proc/[0-9]*; do echo "$(basename "$(readlink $p/exe)") $(awk \'/^Uid:/{print $2, $3}\' $p/status)"; done',
    ]);
    const processes = ps.stdout.trim().split('\n');
    expect(processes).toContain('tini 10001 10001');
    expect(processes).toContain('node 10001 10001');
    // Nothing in the container runs as root, the exec'd shell included.
    for (const line of processes) expect(line).not.toMatch(/ 0( |$)/);
    const pid1 = await container.exec(['cat', '/proc/1/comm']);
    expect(pid1.stdout.trim()).toBe('tini');
  });

  it('has a HEALTHCHECK that passes on a ready gateway and fails when nothing answers', async () => {
    const client = await getContainerRuntimeClient();
    const info = await client.container.dockerode.getContainer(container.getId()).inspect();
    const test = (info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test ?? [];
    expect(test).toEqual(['CMD', 'node', '/opt/qkms/healthcheck.js']);
    // The operations listener is published too (metrics.host 0.0.0.0 in the dev image).
    expect(await opsGet(container, '/healthz')).toBe(200);
    expect(await opsGet(container, '/readyz')).toBe(200);
    const command = test.slice(1);
    expect((await container.exec(command)).exitCode).toBe(0);
    const wrongPort = await container.exec(command, {
      env: { QKMS_METRICS_PORT: String(OPS_PORT + 1) },
    });
    expect(wrongPort.exitCode).toBe(1);
  });

  it('keeps the token, its PINs and the credentials private to the qkms user', async () => {
    const { stdout } = await container.exec([
      'stat',
      '-c',
      '%a %U %n',
      '/var/lib/qkms',
      '/var/lib/qkms/user.pin',
      '/var/lib/qkms/so.pin',
      '/var/lib/qkms/credentials.yaml',
      '/var/lib/qkms/aws-credentials',
      '/var/lib/qkms/tokens',
    ]);
    for (const line of stdout.trim().split('\n')) expect(line).toMatch(/^(700|600) qkms /);
  });

  it('signs with every demo signing key and algorithm; node:crypto verifies each signature', async () => {
    const { Aliases = [] } = await kms.send(new ListAliasesCommand({}));
    const demo = Aliases.filter((a) => a.AliasName?.startsWith('alias/demo-'));
    const specs: string[] = [];
    const message = Buffer.from('signed inside a container');
    for (const alias of demo) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: alias.AliasName }));
      if (KeyMetadata?.KeyUsage !== 'SIGN_VERIFY') continue;
      specs.push(KeyMetadata.KeySpec as string);
      const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: alias.AliasName }));
      const spki = Buffer.from(PublicKey as Uint8Array);
      const algorithms = (KeyMetadata.SigningAlgorithms ?? []).filter(
        (a) => a !== 'ED25519_PH_SHA_512', // DIGEST-only; checked in the integration suite
      );
      expect(algorithms.length).toBeGreaterThan(0);
      for (const algorithm of algorithms) {
        const signed = await kms.send(
          new SignCommand({
            KeyId: alias.AliasName,
            Message: message,
            MessageType: 'RAW',
            SigningAlgorithm: algorithm as SigningAlgorithmSpec,
          }),
        );
        const signature = Buffer.from(signed.Signature as Uint8Array);
        expect({ algorithm, ok: nodeVerifies(algorithm, spki, message, signature) }).toEqual({
          algorithm,
          ok: true,
        });
        // A different message must not verify: the check above can fail.
        expect(nodeVerifies(algorithm, spki, Buffer.from('other'), signature)).toBe(false);
        const verified = await kms.send(
          new VerifyCommand({
            KeyId: alias.AliasName,
            Message: message,
            Signature: signature,
            SigningAlgorithm: algorithm as SigningAlgorithmSpec,
          }),
        );
        expect(verified.SignatureValid).toBe(true);
      }
    }
    expect(specs.sort()).toEqual(SIGNING_SPECS);
  }, 120_000);

  it('computes and verifies MACs with every demo HMAC key, and refuses a changed one', async () => {
    const { Aliases = [] } = await kms.send(new ListAliasesCommand({}));
    const specs: string[] = [];
    const message = Buffer.from('mac me');
    for (const alias of Aliases.filter((a) => a.AliasName?.startsWith('alias/demo-hmac'))) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: alias.AliasName }));
      specs.push(KeyMetadata?.KeySpec as string);
      const algorithm = KeyMetadata?.MacAlgorithms?.[0] as MacAlgorithmSpec;
      const { Mac } = await kms.send(
        new GenerateMacCommand({
          KeyId: alias.AliasName,
          Message: message,
          MacAlgorithm: algorithm,
        }),
      );
      const mac = Buffer.from(Mac as Uint8Array);
      const ok = await kms.send(
        new VerifyMacCommand({
          KeyId: alias.AliasName,
          Message: message,
          Mac: mac,
          MacAlgorithm: algorithm,
        }),
      );
      expect(ok.MacValid).toBe(true);
      mac[0] = (mac[0] as number) ^ 1;
      await expect(
        kms.send(
          new VerifyMacCommand({
            KeyId: alias.AliasName,
            Message: message,
            Mac: mac,
            MacAlgorithm: algorithm,
          }),
        ),
      ).rejects.toMatchObject({ name: 'KMSInvalidMacException' });
    }
    expect(specs.sort()).toEqual(MAC_SPECS);
  }, 60_000);
});
