// Requests the SDK would never send on its own: a KMS client whose outgoing HTTP request is
// rewritten just before it leaves, so the SDK still parses the answer into its typed exceptions,
// a bare fetch for checking status codes and headers, and a request with a Host header of the
// test's choosing (fetch always sends the URL's).

import { request } from 'node:http';
import { KMSClient } from '@aws-sdk/client-kms';
import type {
  FinalizeHandler,
  FinalizeHandlerArguments,
  HttpRequest,
  MetadataBearer,
} from '@smithy/types';

export function tamperingClient(
  endpoint: string,
  tamper: (request: HttpRequest) => void,
): KMSClient {
  const client = new KMSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as HttpRequest;
      tamper(request);
      if (typeof request.body === 'string')
        request.headers['content-length'] = String(Buffer.byteLength(request.body));
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'qkmsTestTamper' },
  );
  return client;
}

/** A SigV4 client whose request `tamper` changes just before or just after the SDK signs it. */
function tamperingAround(
  relation: 'before' | 'after',
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  tamper: (request: HttpRequest) => void,
): KMSClient {
  const client = new KMSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  client.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<object, MetadataBearer>) =>
      async (args: FinalizeHandlerArguments<object>) => {
        const request = args.request as HttpRequest;
        tamper(request);
        // Before signing the length must match the new body, or the request is merely truncated.
        if (
          relation === 'before' &&
          (request.body instanceof Uint8Array || typeof request.body === 'string')
        )
          request.headers['content-length'] = String(Buffer.byteLength(request.body));
        return next(args);
      },
    {
      relation,
      toMiddleware: 'httpSigningMiddleware',
      name: relation === 'after' ? 'qkmsTestTamperAfterSigning' : 'qkmsTestTamperBeforeSigning',
    },
  );
  return client;
}

/**
 * A KMS client whose request is changed after the SDK signed it (the signature then covers the
 * original): for proving that tampering in transit is refused.
 */
export const tamperAfterSigning = (
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  tamper: (request: HttpRequest) => void,
): KMSClient => tamperingAround('after', endpoint, credentials, tamper);

/**
 * A KMS client whose request is changed before the SDK signs it: the signature covers exactly
 * the bytes sent, so what is tested is the server's reading of them, not the signature check.
 */
export const tamperBeforeSigning = (
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  tamper: (request: HttpRequest) => void,
): KMSClient => tamperingAround('before', endpoint, credentials, tamper);

export async function postKms(
  endpoint: string,
  target: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** An unsigned ListKeys to `address:port` carrying the Host header `host`: status and error type. */
export function listKeysWithHost(
  address: string,
  port: number,
  host: string,
): Promise<{ status: number; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port,
        method: 'POST',
        path: '/',
        headers: {
          host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'TrentService.ListKeys',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: (JSON.parse(body) as { __type?: string }).__type,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end('{}');
  });
}
