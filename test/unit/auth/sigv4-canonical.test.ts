// The directly computed SigV4 canonical request: byte for byte the one AWS's test suite lists for
// each case (header-canonical-request.txt), and the normalisation rules one at a time.

import { createHash } from 'node:crypto';
import {
  canonicalHeaderValue,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
} from '../../../src/auth/sigv4-canonical';
import { loadFixtures } from './sigv4-fixtures';

describe.each(loadFixtures())(
  'AWS SigV4 test suite: $name',
  ({ parts, canonicalRequest: want }) => {
    it('gives the canonical request AWS lists', () => {
      const signed = /SignedHeaders=([^,]+)/.exec(parts.headers.authorization ?? '')?.[1] ?? '';
      const got = canonicalRequest({
        method: parts.method,
        path: parts.path,
        query: parts.query,
        signedHeaders: signed.split(';'),
        header: (name) => parts.headers[name] ?? '',
        payloadHash: createHash('sha256').update(parts.body).digest('hex'),
      });
      expect(got).toBe(want);
    });
  },
);

describe('canonicalPath', () => {
  it.each([
    ['/', '/'],
    ['', ''],
    ['/a/./b/../c//', '/a/c/'],
    ['/a/b/../../..', '/'],
    ['//a//b', '/a/b'],
    ['/a/.', '/a'],
    ['/..x/.y', '/..x/.y'],
    // Decoded once, encoded once: unreserved escapes come out plain, the rest upper-case.
    ['/%7e%41-_.~', '/~A-_.~'],
    ['/%e1%88%b4', '/%E1%88%B4'],
    ["/!'()*", '/%21%27%28%29%2A'],
    ['/a b+c=d:e@f', '/a%20b%2Bc%3Dd%3Ae%40f'],
    // An encoded slash separates segments once decoded, as it did through @smithy/signature-v4.
    ['/a%2Fb', '/a/b'],
    ['/a#fragment', '/a'],
  ])('%j → %j', (path, want) => {
    expect(canonicalPath(path)).toBe(want);
  });

  it('answers a malformed escape with SerializationException, a client error (never a 500)', () => {
    for (const bad of [
      () => canonicalPath('/%zz'),
      () => canonicalQuery('a=%ZZ'),
      () => canonicalQuery('%E0%A4%A=1'),
    ]) {
      expect(bad).toThrow(expect.objectContaining({ name: 'SerializationException' }));
    }
  });
});

describe('canonicalQuery', () => {
  it.each([
    ['', ''],
    ['b=2&a=1&a=0', 'a=0&a=1&b=2'],
    // Sorted by key first: "a" < "a-" although "a=" > "a-=".
    ['a-=1&a=2', 'a=2&a-=1'],
    ['B=1&a=1', 'B=1&a=1'],
    ['flag&x=', 'flag=&x='],
    ['k=a+b%20c', 'k=a%2Bb%20c'],
    ['k=%7e%21', 'k=~%21'],
    // Not left out as a presigned URL's signature would be: such requests are refused earlier.
    ['X-Amz-Signature=abc&x=1', 'X-Amz-Signature=abc&x=1'],
  ])('%j → %j', (query, want) => {
    expect(canonicalQuery(query)).toBe(want);
  });
});

describe('canonicalHeaderValue', () => {
  it.each([
    ['value', 'value'],
    ['a b c', 'a b c'],
    ['  a   b   c  ', 'a b c'],
    ['a\tb', 'a b'],
    ['a\r\n b', 'a b'],
    [' ', ''],
    ['VALUE1', 'VALUE1'],
  ])('%j → %j', (value, want) => {
    expect(canonicalHeaderValue(value)).toBe(want);
  });
});
