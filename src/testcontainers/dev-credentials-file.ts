// The SigV4 pair `qkms dev` generated inside a container, read from the AWS credentials file
// it keeps in its data directory. The file travels through `docker exec` to this process only:
// testcontainers logs the command, not its output, and nothing here prints it.

import type { StartedTestContainer } from 'testcontainers';
import { QKMS_DATA_DIR } from './layout';

/** An AWS SDK credentials object (AwsCredentialIdentity), as every AWS SDK for JS v3 takes it. */
export interface QkmsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export async function readDevCredentials(
  container: StartedTestContainer,
): Promise<QkmsCredentials> {
  const file = `${QKMS_DATA_DIR}/aws-credentials`;
  const { exitCode, stdout } = await container.exec(['cat', file]);
  const value = (key: string): string => {
    const match = new RegExp(`^${key}\\s*=\\s*(\\S+)\\s*$`, 'm').exec(stdout);
    if (exitCode !== 0 || !match?.[1]) {
      throw new Error(`QKMS started, but ${file} in the container holds no ${key}`);
    }
    return match[1];
  };
  return {
    accessKeyId: value('aws_access_key_id'),
    secretAccessKey: value('aws_secret_access_key'),
  };
}
