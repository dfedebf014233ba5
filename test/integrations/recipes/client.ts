import { KMSClient } from '@aws-sdk/client-kms';

/**
 * A KMS client for QKMS with nothing left to the SDK's guesswork. `endpoint` is QKMS's URL
 * (`http://127.0.0.1:8080` for `./scripts/dev.sh`); leave it out and the SDK reads
 * `AWS_ENDPOINT_URL_KMS` instead. The region must be QKMS's `arn.region` setting (default
 * us-east-1): SigV4 signatures are scoped to it.
 */
export function qkmsClient(
  endpoint: string | undefined,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1',
): KMSClient {
  return new KMSClient({ ...(endpoint ? { endpoint } : {}), region, credentials });
}
