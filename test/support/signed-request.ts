// One KMS call on the wire, SigV4-signed the way a browser page signs it (@smithy/signature-v4
// over the request's own headers), sent with node:http so that every header of the answer, and
// headers no SDK sends (Origin), can be checked.

import { request as httpRequest } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface WireAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends a raw HTTP request and reads the whole answer. */
export function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body = '',
): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Posts `body` to `TrentService.<operation>`, signed with `credentials` (unsigned when null);
 * `extra` headers (such as Origin) are sent but, as a browser does, left out of the signature.
 */
export async function callKms(
  endpoint: string,
  operation: string,
  body: string,
  credentials: Credentials | null,
  extra: Record<string, string> = {},
): Promise<WireAnswer> {
  const url = new URL(endpoint);
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `TrentService.${operation}`,
  };
  if (credentials) {
    const signer = new SignatureV4({
      service: 'kms',
      region: 'us-east-1',
      credentials,
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers,
      body,
    });
    headers = signed.headers;
  }
  return send(`${url.origin}/`, 'POST', { ...headers, ...extra }, body);
}
