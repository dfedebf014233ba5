// SigV4 in the browser with the AWS SDK's own signer over WebCrypto: the same canonical request
// QKMS verifies with, and nothing hand-written. Loaded on the first "Test request" only.

import { Sha256 } from '@aws-crypto/sha256-browser';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The headers to send with `body` to `endpoint`, signed for KMS in `region`. */
export async function signedHeaders(
  endpoint: URL,
  region: string,
  credentials: Credentials,
  target: string,
  body: string,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: 'kms', region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
    path: '/',
    query: {},
    headers: {
      // The browser sends the Host of the URL; the signature must cover exactly that.
      host: endpoint.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
    },
    body,
  });
  // A browser sets Host itself and refuses to be told.
  const { host: _host, ...headers } = signed.headers;
  return headers;
}
