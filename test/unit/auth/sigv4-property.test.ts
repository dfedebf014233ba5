// The verifier against the real signer: random requests (method, path, query, headers, body,
// payload-hash header or not, signing time anywhere in the clock window, any region and secret)
// signed by @smithy/signature-v4, the code the AWS SDKs sign with, must verify; and any one
// change made after signing (a body byte, a signed header's value, the date, the path, the
// query, the method, a signed header dropped or taken out of SignedHeaders) must be refused.

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import {
  verifySigV4,
  type RequestParts,
  type VerifierOptions,
} from '../../../src/auth/sigv4-verifier';

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const DECLARED_HASH =
  "The 'x-amz-content-sha256' header does not match the hash of the request body.";
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
/** Set by the signer, or about the date and token, which have tests of their own. */
const RESERVED = new Set([
  'host',
  'authorization',
  'date',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amz-security-token',
  'x-amz-target',
  'user-agent',
]);

const segment = fc.oneof(
  fc.constantFrom('', '.', '..', 'a', 'b c', 'ሴ', '-_.~', "!'()*", '%', '+=:@$&,;', '#?'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const headerValue = fc.stringMatching(/^[ \t!-~\u00a0-\u00ff]{0,24}$/);

const request = fc.record({
  method: fc.constantFrom(...METHODS),
  segments: fc.array(segment, { maxLength: 5 }),
  trailingSlash: fc.boolean(),
  query: fc.array(
    fc.tuple(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.boolean(),
    ),
    { maxLength: 5 },
  ),
  host: fc.constantFrom('kms.us-east-1.amazonaws.com', '127.0.0.1:8080', 'qkms.internal'),
  headers: fc.uniqueArray(
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/), headerValue),
    { maxLength: 5, selector: ([name]) => name.toLowerCase() },
  ),
  body: fc.uint8Array({ maxLength: 200 }),
  checksum: fc.boolean(),
  now: fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  }),
  // Whole seconds: the signer drops milliseconds, so -300 s could fall just outside the window.
  offsetSeconds: fc.integer({ min: -299, max: 300 }),
  accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,20}$/),
  secret: fc.string({ unit: 'grapheme', minLength: 16, maxLength: 40 }),
  region: fc.constantFrom('us-east-1', 'eu-central-1', 'ap-southeast-2'),
});
type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

interface Signed {
  readonly parts: RequestParts;
  readonly options: VerifierOptions;
}

/** Signs r with the real signer and returns it as the server receives it. */
async function sign(r: Request): Promise<Signed> {
  const path = `/${r.segments.join('/')}${r.trailingSlash ? '/' : ''}`;
  const query: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of r.query) {
    const prev = query[key];
    query[key] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  const signer = new SignatureV4({
    service: 'kms',
    region: r.region,
    sha256: Sha256,
    credentials: { accessKeyId: r.accessKeyId, secretAccessKey: r.secret },
    applyChecksum: r.checksum,
  });
  const signed = await signer.sign(
    {
      method: r.method,
      protocol: 'https:',
      hostname: r.host,
      path,
      query,
      headers: {
        Host: r.host,
        'X-Amz-Target': 'TrentService.Sign',
        'User-Agent': 'aws-sdk-js/3 (not signed)',
        ...Object.fromEntries(r.headers.filter(([name]) => !RESERVED.has(name.toLowerCase()))),
      },
      body: r.body,
    },
    { signingDate: new Date(r.now.getTime() + r.offsetSeconds * 1000) },
  );
  // On the wire: the path and query percent-encoded, header names in whatever case (servers
  // lower-case them).
  const wirePath = path.split('/').map(encodeURIComponent).join('/');
  const wireQuery = r.query
    .map(([k, v, bare]) =>
      v === '' && bare
        ? encodeURIComponent(k)
        : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    )
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    parts: {
      method: r.method,
      path: wirePath,
      query: wireQuery,
      headers,
      body: Buffer.from(r.body),
    },
    options: {
      service: 'kms',
      region: r.region,
      requiredSignedHeaders: ['x-amz-target'],
      now: () => r.now.getTime(),
      lookup: (id) =>
        id === r.accessKeyId ? { principal: 'someone', secretAccessKey: r.secret } : undefined,
    },
  };
}

const signedHeadersOf = (parts: RequestParts): string[] =>
  (/SignedHeaders=([^,]+)/.exec(parts.headers.authorization ?? '')?.[1] ?? '').split(';');

const withHeaders = (parts: RequestParts, headers: Record<string, string>): RequestParts => ({
  ...parts,
  headers,
});

const isoBasic = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

type Mutation = 'body' | 'header' | 'date' | 'path' | 'query' | 'method' | 'drop' | 'unsign';

/** One change to a signed request, and the messages its refusal may carry. */
function mutate(
  parts: RequestParts,
  kind: Mutation,
  pick: number,
): { parts: RequestParts; messages?: string[] } {
  const signedHeaders = signedHeadersOf(parts);
  const choose = <T>(list: readonly T[]): T => list[pick % list.length] as T;
  switch (kind) {
    case 'body': {
      const body = Buffer.from(parts.body);
      const mutated = body.length === 0 ? Buffer.from([pick % 256]) : body;
      const at = pick % Math.max(body.length, 1);
      if (body.length > 0) body[at] = (body[at] as number) ^ (1 << (pick % 8));
      return { parts: { ...parts, body: mutated }, messages: [MISMATCH, DECLARED_HASH] };
    }
    case 'header': {
      const name = choose(signedHeaders.filter((n) => n !== 'x-amz-date'));
      const headers = { ...parts.headers, [name]: `${parts.headers[name]}x` };
      return { parts: withHeaders(parts, headers), messages: [MISMATCH, DECLARED_HASH] };
    }
    case 'date': {
      const at = Date.parse(
        (parts.headers['x-amz-date'] ?? '').replace(
          /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
          '$1-$2-$3T$4:$5:$6Z',
        ),
      );
      const date = isoBasic(at + (pick % 2 === 0 ? 1000 : -1000));
      return { parts: withHeaders(parts, { ...parts.headers, 'x-amz-date': date }) };
    }
    case 'path':
      return { parts: { ...parts, path: `${parts.path}x` }, messages: [MISMATCH] };
    case 'query':
      return {
        parts: { ...parts, query: parts.query === '' ? 'qx=1' : `${parts.query}&qx=1` },
        messages: [MISMATCH],
      };
    case 'method': {
      const method = choose(METHODS.filter((m) => m !== parts.method));
      return { parts: { ...parts, method }, messages: [MISMATCH] };
    }
    case 'drop': {
      const name = choose(signedHeaders);
      const headers = { ...parts.headers };
      delete headers[name];
      return {
        parts: withHeaders(parts, headers),
        messages: [`Signed header '${name}' is missing from the request.`],
      };
    }
    case 'unsign': {
      const name = choose(signedHeaders);
      const rest = signedHeaders.filter((n) => n !== name).join(';');
      const authorization = (parts.headers.authorization ?? '').replace(
        /SignedHeaders=[^,]+/,
        `SignedHeaders=${rest}`,
      );
      return { parts: withHeaders(parts, { ...parts.headers, authorization }) };
    }
  }
}

it('accepts every request the real signer signs', async () => {
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const { parts, options } = await sign(r);
      await expect(verifySigV4(parts, options)).resolves.toEqual({
        principal: 'someone',
        accessKeyId: r.accessKeyId,
      });
    }),
    { numRuns: 300 },
  );
});

it('refuses a signed request after any one change', async () => {
  const kinds: Mutation[] = ['body', 'header', 'date', 'path', 'query', 'method', 'drop', 'unsign'];
  await fc.assert(
    fc.asyncProperty(request, fc.constantFrom(...kinds), fc.nat(), async (r, kind, pick) => {
      const { parts, options } = await sign(r);
      const mutated = mutate(parts, kind, pick);
      const refusal = await verifySigV4(mutated.parts, options).then(
        () => undefined,
        (err: Error) => err,
      );
      expect(refusal?.name).toBe('InvalidSignatureException');
      if (mutated.messages) expect(mutated.messages).toContain(refusal?.message);
    }),
    { numRuns: 400 },
  );
});

it('verifies with the current secret after a rotation, not with the cached key of the old one', async () => {
  const r = fc.sample(request, { numRuns: 1, seed: 42 })[0] as Request;
  const old = await sign(r);
  await expect(verifySigV4(old.parts, old.options)).resolves.toMatchObject({
    principal: 'someone',
  });
  const rotated = await sign({ ...r, secret: `${r.secret}-rotated` });
  // The same access key id now maps to the new secret.
  await expect(verifySigV4(old.parts, rotated.options)).rejects.toMatchObject({
    name: 'InvalidSignatureException',
    message: MISMATCH,
  });
  await expect(verifySigV4(rotated.parts, rotated.options)).resolves.toMatchObject({
    principal: 'someone',
  });
  await expect(verifySigV4(rotated.parts, old.options)).rejects.toMatchObject({
    message: MISMATCH,
  });
});
