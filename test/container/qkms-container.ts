// Runs the dev image of deploy/Dockerfile with testcontainers: a named Docker volume holds the
// SoftHSM token and the generated credentials, so a second container on the same volume sees
// what the first one left. Clients reach the API over the mapped port with real SigV4.

import { randomUUID } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  GenericContainer,
  getContainerRuntimeClient,
  Wait,
  type StartedTestContainer,
} from 'testcontainers';

export const CONTAINER_IMAGE = 'qkms:container-test';
/** The production target, built with PKCS11_PACKAGES=softhsm2. */
export const RUNTIME_IMAGE = 'qkms:container-test-runtime';
export const DATA_DIR = '/var/lib/qkms';
export const API_PORT = 8080;
export const OPS_PORT = 9464;

/** Set by the global setup when no engine can be reached: the reason, shown as the suite name. */
export const SKIP_REASON = process.env.QKMS_CONTAINER_SKIP;
export const describeWithEngine = (name: string, fn: () => void): void =>
  SKIP_REASON === undefined
    ? describe(name, fn)
    : describe.skip(`${name} — SKIPPED: ${SKIP_REASON}`, fn);

export async function createVolume(): Promise<string> {
  const name = `qkms-test-${randomUUID()}`;
  const client = await getContainerRuntimeClient();
  await client.container.dockerode.createVolume({ Name: name });
  return name;
}

export async function removeVolume(name: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.container.dockerode.getVolume(name).remove();
}

/** Starts the dev image on `volume` and waits for its start-up banner (printed once it serves). */
export function startQkms(volume: string): Promise<StartedTestContainer> {
  return new GenericContainer(CONTAINER_IMAGE)
    .withExposedPorts(API_PORT, OPS_PORT)
    .withBindMounts([{ source: volume, target: DATA_DIR, mode: 'rw' }])
    .withWaitStrategy(Wait.forLogMessage('QKMS dev gateway on'))
    .withStartupTimeout(180_000)
    .start();
}

/** GET on the operations listener (/healthz, /readyz, /metrics) through the published port. */
export async function opsGet(container: StartedTestContainer, path: string): Promise<number> {
  const res = await fetch(
    `http://${container.getHost()}:${container.getMappedPort(OPS_PORT)}${path}`,
  );
  await res.arrayBuffer();
  return res.status;
}

export interface DevCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The SigV4 pair `qkms dev` generated in the volume (read inside the container, never logged). */
export async function devCredentials(container: StartedTestContainer): Promise<DevCredentials> {
  const { exitCode, stdout } = await container.exec(['cat', `${DATA_DIR}/aws-credentials`]);
  expect(exitCode).toBe(0);
  const value = (key: string): string => {
    const match = new RegExp(`^${key}\\s*=\\s*(\\S+)$`, 'm').exec(stdout);
    if (!match?.[1]) throw new Error(`${key} missing from the dev credentials file`);
    return match[1];
  };
  return {
    accessKeyId: value('aws_access_key_id'),
    secretAccessKey: value('aws_secret_access_key'),
  };
}

export function apiUrl(container: StartedTestContainer): string {
  return `http://${container.getHost()}:${container.getMappedPort(API_PORT)}`;
}

export async function kmsClient(
  container: StartedTestContainer,
  endpoint = apiUrl(container),
  extra: Partial<ConstructorParameters<typeof KMSClient>[0]> = {},
): Promise<KMSClient> {
  return new KMSClient({
    endpoint,
    region: 'us-east-1',
    credentials: await devCredentials(container),
    maxAttempts: 1,
    ...extra,
  });
}

export async function containerState(
  container: StartedTestContainer,
): Promise<{ running: boolean; exitCode: number }> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.dockerode.getContainer(container.getId()).inspect();
  return { running: info.State.Running, exitCode: info.State.ExitCode };
}

export async function removeContainer(id: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  await client.container.dockerode.getContainer(id).remove({ force: true, v: true });
}

/** What a suite started: its client, container and volume, each removed if it exists. */
export async function tearDown(
  kms: KMSClient | undefined,
  container: StartedTestContainer | undefined,
  volume: string | undefined,
): Promise<void> {
  kms?.destroy();
  if (container) await removeContainer(container.getId());
  if (volume) await removeVolume(volume);
}
