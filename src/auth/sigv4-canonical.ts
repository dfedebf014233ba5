// The SigV4 canonical request, built directly (no signer object, no async hashing) because it is
// on every request's path. It reproduces what QKMS's verifier got from @smithy/signature-v4
// when handed the request as received: the path percent-decoded once, dot segments and empty
// segments removed, then encoded again; query pairs decoded, encoded, sorted by key then value;
// header values with line breaks, tabs and space runs folded to one space and the ends trimmed.
// test/unit/auth/sigv4-property.test.ts holds it to the real signer on random requests.

import { KmsError } from '../errors/kms-error';

/** encodeURIComponent plus the four characters it leaves alone that SigV4 encodes. */
const escape = (s: string): string =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** Percent-decoding of what a client sent: malformed escapes are the client's error, not a 500. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new KmsError(
      'SerializationException',
      'The request URI is not valid percent-encoded UTF-8.',
    );
  }
}

export function canonicalPath(received: string): string {
  const hash = received.indexOf('#');
  const path = decode(hash === -1 ? received : received.slice(0, hash));
  // Every KMS call is POST /: skip the normalisation below for it.
  if (path === '/') return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const lead = path.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `${lead}${segments.map(escape).join('/')}${trail}`;
}

/**
 * The query's parameter names, percent-decoded; a malformed escape anywhere in the query, names
 * or values, is a SerializationException.
 */
export function queryKeys(query: string): string[] {
  if (query === '') return [];
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq !== -1) decode(pair.slice(eq + 1));
    return decode(eq === -1 ? pair : pair.slice(0, eq));
  });
}

export function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs: [string, string][] = [];
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    // No presigned-URL exception for X-Amz-Signature: the verifier refuses query authentication
    // before it gets here, so every parameter is part of what was signed.
    pairs.push([escape(key), escape(value)]);
  }
  // Encoded keys and values are ASCII, so code-unit order is the byte order SigV4 asks for.
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

const NEEDS_FOLDING = /[\t\r\n]| {2}|^ | $/;

export function canonicalHeaderValue(value: string): string {
  // Most values are already canonical; the regular expressions below are then wasted work.
  if (!NEEDS_FOLDING.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

export interface CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** Lower-case header names, sorted and without repeats. */
  readonly signedHeaders: readonly string[];
  /** The value of each signed header, as received. */
  readonly header: (name: string) => string;
  readonly payloadHash: string;
}

export function canonicalRequest(input: CanonicalInput): string {
  let headers = '';
  for (const name of input.signedHeaders) {
    headers += `${name}:${canonicalHeaderValue(input.header(name))}\n`;
  }
  return `${input.method}\n${canonicalPath(input.path)}\n${canonicalQuery(input.query)}\n${headers}\n${input.signedHeaders.join(';')}\n${input.payloadHash}`;
}
