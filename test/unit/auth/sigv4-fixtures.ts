// The AWS SigV4 test suite cases in test/fixtures/sigv4 (see its README), each parsed as a server
// would see the signed request, with the canonical request AWS expects for it.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestParts } from '../../../src/auth/sigv4-verifier';

const DIR = join(__dirname, '../../fixtures/sigv4');

export interface Context {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  region: string;
  service: string;
  timestamp: string;
}

export interface Fixture {
  readonly name: string;
  readonly context: Context;
  readonly parts: RequestParts;
  /** header-canonical-request.txt */
  readonly canonicalRequest: string;
}

/** Parses a raw HTTP/1.1 request as a server would see it (repeated headers joined with ","). */
export function parseRequest(raw: string): RequestParts {
  const split = raw.indexOf('\n\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 2);
  const [requestLine = '', ...lines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' HTTP/'));
  const headers: Record<string, string> = {};
  let last = '';
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last) {
      headers[last] += ` ${line.trim()}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[last] = headers[last] === undefined ? value : `${headers[last]},${value}`;
  }
  const q = target.indexOf('?');
  return {
    method,
    path: q === -1 ? target : target.slice(0, q),
    query: q === -1 ? '' : target.slice(q + 1),
    headers,
    body: Buffer.from(body),
  };
}

export function loadFixtures(): Fixture[] {
  return readdirSync(DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const file = (name: string) => readFileSync(join(DIR, d.name, name), 'utf8');
      return {
        name: d.name,
        context: JSON.parse(file('context.json')) as Context,
        parts: parseRequest(file('header-signed-request.txt')),
        canonicalRequest: file('header-canonical-request.txt'),
      };
    });
}
