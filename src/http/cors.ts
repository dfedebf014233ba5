// Cross-origin calls from web pages (http.cors.allowedOrigins), such as the API reference's
// "Try it out" panel. A KMS call needs headers no form can send (X-Amz-Target, a JSON 1.1
// content type), so a browser asks first with a preflight OPTIONS request; it is answered here,
// before authentication, since browsers never sign preflights. Listed origins get exactly the
// headers a KMS call needs and may read the request id and error type; every other origin gets
// no CORS header at all, so browsers keep their pages out.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { KmsError } from '../errors/kms-error';
import { sendJson } from './wire';

/** What AWS SDKs and SigV4 signers send on a KMS call; nothing else is allowed. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-target',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
] as const;

/** Response headers a page may read: the request id, and the error name on failures. */
export const CORS_EXPOSED_HEADERS = ['x-amzn-RequestId', 'x-amzn-ErrorType'] as const;

/** How long a browser may reuse a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Scheme, host and optional port; nothing else (no path, query, credentials or wildcard). */
const ORIGIN = /^https?:\/\/[^/?#@*\s]+\/?$/i;

/**
 * An entry's origin as browsers send it (`scheme://host[:port]`, lower case, no default port),
 * or null when the entry is not one http(s) origin.
 */
export function parseOrigin(entry: string): string | null {
  const text = entry.trim();
  if (!ORIGIN.test(text)) return null;
  try {
    return new URL(text).origin;
  } catch {
    return null;
  }
}

/** A problem with one http.cors.allowedOrigins entry, for the configuration error. */
export function allowedOriginProblem(entry: string): string | null {
  if (parseOrigin(entry) !== null) return null;
  return `http.cors.allowedOrigins entry ${JSON.stringify(entry)} is not an origin like https://docs.example.com or http://localhost:3000 (scheme, host and optional port; no path, wildcard or "null")`;
}

const isKmsPath = (url: string | undefined): boolean =>
  url === '/' || url?.startsWith('/?') === true;

/**
 * Applies the CORS policy to a request that carries an Origin header. Returns true when the
 * request was a preflight and has been answered; otherwise the caller serves it as usual
 * (with the CORS headers set here when the origin is listed).
 */
export function corsPolicy(
  allowedOrigins: readonly string[],
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(allowedOrigins.map((o) => parseOrigin(o)).filter((o) => o !== null));
  const allowHeaders = CORS_ALLOWED_HEADERS.join(', ');
  const exposeHeaders = CORS_EXPOSED_HEADERS.join(', ');
  return (req, res) => {
    // Answers differ by Origin whenever CORS is on: caches must keep them apart, listed or not.
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const listed = allowed.has(origin);
    const preflight =
      req.method === 'OPTIONS' &&
      req.headers['access-control-request-method'] !== undefined &&
      isKmsPath(req.url);
    if (preflight && !listed) {
      const err = new KmsError(
        'AccessDeniedException',
        `Cross-origin requests from ${origin} are not allowed (http.cors.allowedOrigins).`,
      );
      sendJson(res, err.status, JSON.stringify(err), randomUUID(), err.name);
      return true;
    }
    if (!listed) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (preflight) {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
        'Content-Length': '0',
      });
      res.end();
      return true;
    }
    res.setHeader('Access-Control-Expose-Headers', exposeHeaders);
    return false;
  };
}
