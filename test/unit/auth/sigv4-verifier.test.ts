// The SigV4 verifier against the AWS SigV4 test suite (test/fixtures/sigv4, see its README):
// every signed request verifies, and every mutation of it is refused with AWS's exception.

import { createHash, createHmac } from 'node:crypto';
import {
  verifySigV4,
  type RequestParts,
  type VerifierOptions,
} from '../../../src/auth/sigv4-verifier';
import { deriveSigningKey } from '../../../src/auth/sigv4-signing-key';
import { loadFixtures, type Context } from './sigv4-fixtures';

const cases = loadFixtures();

function options(
  context: Context,
  secret = context.credentials.secret_access_key,
): VerifierOptions {
  return {
    service: context.service,
    region: context.region,
    requiredSignedHeaders: [],
    now: () => Date.parse(context.timestamp),
    lookup: (id) =>
      id === context.credentials.access_key_id
        ? { principal: 'example', secretAccessKey: secret }
        : undefined,
  };
}

const withHeader = (parts: RequestParts, name: string, value: string | undefined): RequestParts => {
  const headers = { ...parts.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...parts, headers };
};

it('has the test suite fixtures', () => {
  expect(cases.length).toBeGreaterThanOrEqual(20);
});

describe.each(cases)('AWS SigV4 test suite: $name', ({ context, parts }) => {
  const sessionToken = context.credentials.token !== undefined;

  if (sessionToken) {
    it('refuses session-token credentials, which QKMS does not issue', async () => {
      await expect(verifySigV4(parts, options(context))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    });
    return;
  }

  it('accepts the signed request', async () => {
    await expect(verifySigV4(parts, options(context))).resolves.toEqual({
      principal: 'example',
      accessKeyId: 'AKIDEXAMPLE',
    });
  });

  it('refuses it with a wrong secret', async () => {
    await expect(verifySigV4(parts, options(context, 'not-the-secret'))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
  });

  it('refuses it when a signed header, the path or the body changed after signing', async () => {
    const mutations: RequestParts[] = [
      withHeader(parts, 'host', 'other.amazonaws.com'),
      { ...parts, path: `${parts.path}x` },
      { ...parts, method: parts.method === 'GET' ? 'POST' : 'GET' },
      { ...parts, query: parts.query === '' ? 'extra=1' : `${parts.query}&extra=1` },
    ];
    if (parts.body.length > 0)
      mutations.push({
        ...withHeader(parts, 'x-amz-content-sha256', undefined),
        body: Buffer.from('tampered'),
      });
    for (const mutated of mutations) {
      await expect(verifySigV4(mutated, options(context))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
      });
    }
  });

  it('refuses it outside the five-minute clock window, in both directions', async () => {
    const at = Date.parse(context.timestamp);
    await expect(
      verifySigV4(parts, { ...options(context), now: () => at + 5 * 60_000 + 1000 }),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message:
        'Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)',
    });
    await expect(
      verifySigV4(parts, { ...options(context), now: () => at - 5 * 60_000 - 1000 }),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message:
        'Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T123059Z + 5 min.)',
    });
  });
});

describe('Authorization header checks', () => {
  const vanilla = cases.find((c) => c.name === 'get-vanilla');
  if (!vanilla) throw new Error('get-vanilla fixture missing');
  const { context, parts } = vanilla;
  const auth = parts.headers.authorization as string;

  it.each([
    [
      'no Authorization header',
      undefined,
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    ],
    [
      'another algorithm',
      auth.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1'.",
    ],
    [
      'no Signature',
      auth.replace(/, Signature=.*/, ''),
      'IncompleteSignatureException',
      "Authorization header requires 'Signature' parameter.",
    ],
    [
      'a short credential',
      auth.replace('/us-east-1/service/aws4_request', '/us-east-1'),
      'IncompleteSignatureException',
      undefined,
    ],
    ['garbage', 'AWS4-HMAC-SHA256 garbage', 'IncompleteSignatureException', undefined],
    [
      'an unknown access key',
      auth.replace('AKIDEXAMPLE', 'AKIDUNKNOWN'),
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    ],
    [
      'another region',
      auth.replace('us-east-1', 'eu-west-1'),
      'InvalidSignatureException',
      'Credential should be scoped to a valid region.',
    ],
    [
      'another service',
      auth.replace('/service/', '/s3/'),
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'service'.",
    ],
    [
      // Own headers only: "constructor" must not find Object.prototype.constructor.
      'a signed header named after an Object property',
      auth.replace('SignedHeaders=host;x-amz-date', 'SignedHeaders=constructor;host;x-amz-date'),
      'InvalidSignatureException',
      "Signed header 'constructor' is missing from the request.",
    ],
    [
      'host not signed',
      auth.replace('SignedHeaders=host;x-amz-date', 'SignedHeaders=x-amz-date'),
      'InvalidSignatureException',
      "'host' must be a 'SignedHeader' in the AWS Authorization.",
    ],
  ])('refuses %s', async (_what, header, name, message) => {
    const err = verifySigV4(withHeader(parts, 'authorization', header), options(context));
    await expect(err).rejects.toMatchObject({ name, ...(message ? { message } : {}) });
  });

  it.each([
    'X-Amz-Signature=00',
    'x=1&x-amz-credential=a',
    'X-Amz-Algorithm',
    // The same names percent-encoded: decoded, they are query authentication all the same.
    'X-Amz-%53ignature=aaaa',
    'x-amz-signatur%65=zz',
    'X-Amz-SignedHeaders=host',
    'X-Amz-Security-Token=t',
  ])('refuses a header-signed request that also carries query authentication (%s)', async (q) => {
    await expect(verifySigV4({ ...parts, query: q }, options(context))).rejects.toMatchObject({
      name: 'IncompleteSignatureException',
      message: expect.stringContaining('Only one auth mechanism allowed'),
    });
  });

  it('refuses a malformed query as malformed, before looking up the access key', async () => {
    const unknown = withHeader(parts, 'authorization', auth.replace('AKIDEXAMPLE', 'AKIDUNKNOWN'));
    await expect(
      verifySigV4({ ...unknown, query: 'a=%ZZ' }, options(context)),
    ).rejects.toMatchObject({ name: 'SerializationException' });
  });

  it('requires the headers the service names (x-amz-target for KMS) to be signed', async () => {
    const err = verifySigV4(parts, {
      ...options(context),
      requiredSignedHeaders: ['x-amz-target'],
    });
    await expect(err).rejects.toMatchObject({
      message: "'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('refuses UNSIGNED-PAYLOAD and a payload hash header that does not match the body', async () => {
    for (const value of [
      'UNSIGNED-PAYLOAD',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856',
    ]) {
      await expect(
        verifySigV4(withHeader(parts, 'x-amz-content-sha256', value), options(context)),
      ).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: "The 'x-amz-content-sha256' header does not match the hash of the request body.",
      });
    }
  });
});

it('covers every header in SignedHeaders, a Date header too (which the SDK never signs)', async () => {
  const vanilla = cases.find((c) => c.name === 'get-vanilla');
  if (!vanilla) throw new Error('get-vanilla fixture missing');
  const { context, parts } = vanilla;
  const date = 'Sun, 30 Aug 2015 12:36:00 GMT';
  // The canonical request written out by hand from the SigV4 rules, not by the code under test.
  const canonical = [
    'GET',
    '/',
    '',
    `date:${date}`,
    'host:example.amazonaws.com',
    'x-amz-date:20150830T123600Z',
    '',
    'date;host;x-amz-date',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    '20150830T123600Z',
    '20150830/us-east-1/service/aws4_request',
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const key = deriveSigningKey(
    context.credentials.secret_access_key,
    '20150830',
    'us-east-1',
    'service',
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const signed = {
    ...parts,
    headers: {
      ...parts.headers,
      date,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=date;host;x-amz-date, Signature=${signature}`,
    },
  };
  await expect(verifySigV4(signed, options(context))).resolves.toMatchObject({
    principal: 'example',
  });
  await expect(
    verifySigV4(withHeader(signed, 'date', 'Mon, 31 Aug 2015 12:36:00 GMT'), options(context)),
  ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
});
