// Verifies AWS Signature Version 4 on a request as the server sees it. This file decides what
// is checked and in which order: the Authorization header's shape, the credential scope, the
// signed headers that must be there, the clock window, the payload hash computed from the body
// bytes, and a constant-time comparison at the end. The canonical request (sigv4-canonical.ts)
// and the signing key (sigv4-signing-key.ts) are computed with node:crypto directly: through
// @smithy/signature-v4 the check cost ~150 µs of the HTTP thread per request. smithy's signer
// stays the reference the unit tests hold this to. Nothing is signed for a request that fails.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { KmsError } from '../errors/kms-error';
import { canonicalRequest, queryKeys } from './sigv4-canonical';
import { sha256Hex } from './sigv4-hash';
import { SigningKeyCache } from './sigv4-signing-key';

export interface RequestParts {
  readonly method: string;
  /** Path as received (percent-encoded). */
  readonly path: string;
  /** Query string as received, without "?". */
  readonly query: string;
  /** Lower-case names; repeated headers joined with ",". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface Credential {
  readonly principal: string;
  readonly secretAccessKey: string;
}

export interface VerifierOptions {
  readonly service: string;
  readonly region: string;
  /** Headers that must be among SignedHeaders besides host (x-amz-target for KMS). */
  readonly requiredSignedHeaders: readonly string[];
  readonly lookup: (accessKeyId: string) => Credential | undefined;
  /** Epoch ms. */
  readonly now: () => number;
}

export interface Authenticated {
  readonly principal: string;
  readonly accessKeyId: string;
}

const SKEW_MS = 5 * 60 * 1000;
const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const incomplete = (message: string) => new KmsError('IncompleteSignatureException', message);
const invalid = (message: string) => new KmsError('InvalidSignatureException', message);
const unrecognized = () =>
  new KmsError(
    'UnrecognizedClientException',
    'The security token included in the request is invalid.',
  );

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
  readonly signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((f) => !fields.get(f));
  if (missing.length > 0) {
    throw incomplete(
      missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' '),
    );
  }
  const credential = (fields.get('Credential') as string).split('/');
  if (
    credential.length !== 5 ||
    credential[4] !== 'aws4_request' ||
    !/^\d{8}$/.test(credential[1] ?? '')
  ) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/aws4_request, got '${fields.get('Credential')}'.`,
    );
  }
  const signature = fields.get('Signature') as string;
  if (!/^[0-9a-f]{64}$/.test(signature))
    throw incomplete('Signature must be 64 lower-case hexadecimal characters.');
  const [accessKeyId, date, region, service] = credential as [string, string, string, string];
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (fields.get('SignedHeaders') as string).split(';'),
    signature,
  };
}

function parseAmzDate(value: string | undefined): number {
  const m = AMZ_DATE.exec(value ?? '');
  if (!m)
    throw incomplete("The request must carry an 'X-Amz-Date' header in the form YYYYMMDDTHHMMSSZ.");
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

const isoBasic = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Query parameters of SigV4 query authentication, lower-cased (matched after decoding). */
const QUERY_AUTH = new Set([
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-signature',
  'x-amz-signedheaders',
  'x-amz-security-token',
]);

/** One per process: a client's key is the same for every request it signs that day. */
const signingKeys = new SigningKeyCache(256);

/** Own properties only: a signed header named "constructor" must not find Object's. */
const headerOf = (headers: RequestParts['headers'], name: string): string | undefined =>
  Object.hasOwn(headers, name) ? headers[name] : undefined;

export async function verifySigV4(
  parts: RequestParts,
  options: VerifierOptions,
): Promise<Authenticated> {
  const header = parts.headers.authorization;
  if (header === undefined)
    throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  // Presigned (query-string) requests are not served, and a header-signed request that also
  // carries query authentication is ambiguous: refuse it rather than ignore the extra part.
  // Decoded first: `X-Amz-%53ignature` is the same parameter to every SigV4 implementation.
  if (queryKeys(parts.query).some((key) => QUERY_AUTH.has(key.toLowerCase()))) {
    throw incomplete(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified.',
    );
  }
  const auth = parseAuthorization(header);
  if (auth.service !== options.service) {
    throw invalid(`Credential should be scoped to correct service: '${options.service}'.`);
  }
  if (auth.region !== options.region)
    throw invalid('Credential should be scoped to a valid region.');
  const signed = new Set(auth.signedHeaders);
  for (const required of ['host', ...options.requiredSignedHeaders]) {
    if (!signed.has(required))
      throw invalid(`'${required}' must be a 'SignedHeader' in the AWS Authorization.`);
  }
  for (const name of auth.signedHeaders) {
    if (headerOf(parts.headers, name) === undefined)
      throw invalid(`Signed header '${name}' is missing from the request.`);
  }
  const amzDate = parts.headers['x-amz-date'];
  const signedAt = parseAmzDate(amzDate);
  if (!signed.has('x-amz-date'))
    throw invalid("'x-amz-date' must be a 'SignedHeader' in the AWS Authorization.");
  if (amzDate?.slice(0, 8) !== auth.date) {
    throw invalid(
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
    );
  }
  const now = options.now();
  if (signedAt < now - SKEW_MS) {
    throw invalid(
      `Signature expired: ${amzDate} is now earlier than ${isoBasic(now - SKEW_MS)} (${isoBasic(now)} - 5 min.)`,
    );
  }
  if (signedAt > now + SKEW_MS) {
    throw invalid(
      `Signature not yet current: ${amzDate} is still later than ${isoBasic(now + SKEW_MS)} (${isoBasic(now)} + 5 min.)`,
    );
  }
  if (parts.headers['x-amz-security-token'] !== undefined) throw unrecognized();
  const credential = options.lookup(auth.accessKeyId);
  if (!credential) throw unrecognized();

  // The payload hash always comes from the bytes received, never from a header.
  const payloadHash = sha256Hex(parts.body);
  const declared = parts.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== payloadHash) {
    throw invalid("The 'x-amz-content-sha256' header does not match the hash of the request body.");
  }

  // Sorted and without repeats, as the signer lists them; every one is present (checked above).
  const signedHeaders = [...signed].sort();
  const canonical = canonicalRequest({
    method: parts.method,
    path: parts.path,
    query: parts.query,
    signedHeaders,
    header: (name) => headerOf(parts.headers, name) as string,
    payloadHash,
  });
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const key = signingKeys.signingKey(
    auth.accessKeyId,
    credential.secretAccessKey,
    auth.date,
    auth.region,
    auth.service,
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const provided = Buffer.from(auth.signature, 'hex');
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided))
    throw invalid(SIGNATURE_MISMATCH);
  return { principal: credential.principal, accessKeyId: auth.accessKeyId };
}
