// The container suite's helpers, a thin layer over the public module (src/testcontainers, the
// `qkms/testcontainers` export): it starts the dev image this suite built, on a named Docker
// volume where a test needs the token to outlive a container, and adds what only QKMS's own
// tests need (volumes, container states, the images' tags).

import { randomUUID } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import {
  QKMS_API_PORT,
  QKMS_DATA_DIR,
  QKMS_OPERATIONS_PORT,
  QkmsContainer,
  type StartedQkmsContainer,
} from '../../src/testcontainers';

/** The dev target, built by global-setup.ts; every QkmsContainer of this suite runs it. */
export const CONTAINER_IMAGE = 'qkms:container-test';
/** The production target, built with PKCS11_PACKAGES=softhsm2. */
export const RUNTIME_IMAGE = 'qkms:container-test-runtime';
export const DATA_DIR = QKMS_DATA_DIR;
export const API_PORT = QKMS_API_PORT;
export const OPS_PORT = QKMS_OPERATIONS_PORT;

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

/** The dev image with its token on `volume`, ready (/readyz 200) and its SigV4 pair known. */
export function startQkms(volume: string): Promise<StartedQkmsContainer> {
  return new QkmsContainer(CONTAINER_IMAGE).withVolume(volume).withStartupTimeout(180_000).start();
}

/** GET on the operations listener (/healthz, /readyz, /metrics) through the published port. */
export async function opsGet(container: StartedTestContainer, path: string): Promise<number> {
  const res = await fetch(
    `http://${container.getHost()}:${container.getMappedPort(OPS_PORT)}${path}`,
  );
  await res.arrayBuffer();
  return res.status;
}

export async function containerState(
  container: StartedTestContainer,
): Promise<{ running: boolean; exitCode: number }> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.dockerode.getContainer(container.getId()).inspect();
  return { running: info.State.Running, exitCode: info.State.ExitCode };
}

/** What the container has written so far to stdout, and to stderr unless told not to. */
export async function containerLog(id: string, { stderr = true } = {}): Promise<string> {
  const client = await getContainerRuntimeClient();
  const raw = (await client.container.dockerode
    .getContainer(id)
    .logs({ stdout: true, stderr, follow: false })) as unknown as Buffer;
  // Docker multiplexes the log: 8-byte frame headers (stream, 0, 0, 0, length as uint32 BE).
  let text = '';
  for (let at = 0; at + 8 <= raw.length;) {
    const length = raw.readUInt32BE(at + 4);
    text += raw.subarray(at + 8, at + 8 + length).toString('utf8');
    at += 8 + length;
  }
  return text;
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
