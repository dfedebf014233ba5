// Jest global setup of the container project: find a Docker engine, build the images of
// deploy/Dockerfile once for every test file, and make the dev image the one QkmsContainer runs
// by default. Without an engine the suite is skipped with the reason (QKMS_CONTAINER_SKIP),
// unless QKMS_REQUIRE_DOCKER=1 (CI), where that is a failure.

import { resolve } from 'node:path';
import { QKMS_IMAGE_ENV } from '../../src/testcontainers/image';
import { CONTAINER_IMAGE, RUNTIME_IMAGE } from './qkms-container';

const testcontainers = import('testcontainers');

const ENGINE_PROBE_MS = 20_000;

async function probeEngine(): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), ENGINE_PROBE_MS);
  });
  try {
    const { getContainerRuntimeClient } = await testcontainers;
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}

export default async function globalSetup(): Promise<void> {
  const problem = await probeEngine();
  if (problem !== null) {
    const reason = `no Docker engine can be reached (${problem.split('\n')[0]})`;
    if (process.env.QKMS_REQUIRE_DOCKER === '1') {
      throw new Error(`container suite: ${reason}, and QKMS_REQUIRE_DOCKER=1`);
    }
    process.env.QKMS_CONTAINER_SKIP = reason;
    process.stderr.write(`\ncontainer suite SKIPPED: ${reason}\n`);
    return;
  }
  const { GenericContainer, getContainerRuntimeClient, ImageName } = await testcontainers;
  const started = Date.now();
  const baseImage = process.env.BASE_IMAGE;
  const client = await getContainerRuntimeClient();
  const builds: { image: string; target: string; args: Record<string, string> }[] = [
    { image: CONTAINER_IMAGE, target: 'dev', args: {} },
    // The production image with a PKCS#11 module installed the way the Dockerfile offers.
    { image: RUNTIME_IMAGE, target: 'production', args: { PKCS11_PACKAGES: 'softhsm2' } },
  ];
  for (const { image, target, args } of builds) {
    // Drop the tag of an earlier run, so a failed build cannot pass for a good one. noprune
    // keeps the layers underneath: they are the build cache.
    await client.container.dockerode
      .getImage(image)
      .remove({ noprune: true })
      .catch(() => undefined);
    await GenericContainer.fromDockerfile(resolve(__dirname, '..', '..'), 'deploy/Dockerfile')
      .withTarget(target)
      .withBuildArgs({ ...args, ...(baseImage ? { BASE_IMAGE: baseImage } : {}) })
      .build(image, { deleteOnExit: false });
    // testcontainers does not report a failed build: the image is simply missing afterwards.
    if (!(await client.image.exists(ImageName.fromString(image)))) {
      throw new Error(
        `container suite: building deploy/Dockerfile (target ${target}) failed; run ` +
          `"docker build -f deploy/Dockerfile --target ${target} ." from the repository root to see why`,
      );
    }
  }
  // `new QkmsContainer()` with no image (the application project, docs/testing-with-qkms.md)
  // runs the image just built, not a qkms:dev the machine may hold from earlier.
  process.env[QKMS_IMAGE_ENV] = CONTAINER_IMAGE;
  process.stderr.write(
    `\ncontainer suite: built ${CONTAINER_IMAGE} and ${RUNTIME_IMAGE} in ${Math.round((Date.now() - started) / 1000)}s\n`,
  );
}
