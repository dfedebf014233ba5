// Which QKMS image a container runs, and the error when the engine does not have it. QKMS
// publishes no image to a registry: a test runs the dev image built from a QKMS checkout, so
// a missing image is answered with the command that builds it, not with a failed pull.

import { getContainerRuntimeClient, ImageName } from 'testcontainers';

/** The tag the documented build command gives the dev image. */
export const DEFAULT_QKMS_IMAGE = 'qkms:dev';
/** Names another image for every QkmsContainer built without one (a CI's own tag, say). */
export const QKMS_IMAGE_ENV = 'QKMS_TESTCONTAINERS_IMAGE';

/** The image a `new QkmsContainer()` runs: $QKMS_TESTCONTAINERS_IMAGE, else qkms:dev. */
export function defaultQkmsImage(env: NodeJS.ProcessEnv = process.env): string {
  return env[QKMS_IMAGE_ENV] || DEFAULT_QKMS_IMAGE;
}

/** The command, run at the root of a QKMS checkout, that builds `image`. */
export function qkmsImageBuildCommand(image: string): string {
  return `docker build -f deploy/Dockerfile --target dev -t ${image} .`;
}

export class QkmsImageMissingError extends Error {
  override readonly name = 'QkmsImageMissingError';
  constructor(readonly image: string) {
    super(
      `The QKMS image ${image} is not on this Docker engine. Build it at the root of a QKMS checkout: ${qkmsImageBuildCommand(image)}`,
    );
  }
}

/** Throws QkmsImageMissingError unless the engine has `image`. */
export async function assertQkmsImagePresent(image: string): Promise<void> {
  const client = await getContainerRuntimeClient();
  if (!(await client.image.exists(ImageName.fromString(image)))) {
    throw new QkmsImageMissingError(image);
  }
}
