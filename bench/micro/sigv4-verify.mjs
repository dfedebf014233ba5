// How long QKMS's SigV4 check takes per request, as built (dist/auth/sigv4-verifier.js; until
// 2026-11-23 it canonicalised with @smithy/signature-v4 over the pure-JavaScript
// @aws-crypto/sha256-js, now directly with node:crypto), and what the same SignatureV4 costs
// with either SHA-256: the evidence behind the change (docs/performance.md). Prints one JSON
// object.

import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Sigv4Signer } from '../lib/sigv4.mjs';

const require = createRequire(import.meta.url);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const { verifySigV4 } = require(join(ROOT, 'dist/auth/sigv4-verifier.js'));
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const secretAccessKey = 'bench-only-secret-not-used-anywhere-else';
const signer = new Sigv4Signer({ accessKeyId: 'QKMSBENCHMICRO01', secretAccessKey, region: 'us-east-1' });
const body = Buffer.from(JSON.stringify({ KeyId: '00000000-0000-4000-8000-000000000000', Message: 'A'.repeat(44), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
const lower = (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const parts = () => ({
  method: 'POST', path: '/', query: '',
  headers: { ...lower(signer.sign('127.0.0.1:8080', 'TrentService.Sign', body)), 'content-length': String(body.length) },
  body,
});
const options = {
  service: 'kms', region: 'us-east-1', requiredSignedHeaders: ['x-amz-target'],
  lookup: () => ({ principal: 'bench', secretAccessKey }), now: () => Date.now(),
};

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the Checksum shape SignatureV4 expects. */
class NodeSha256 {
  constructor(secret) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}

async function perCallUs(n, fn) {
  for (let i = 0; i < 200; i++) await fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

const reused = new Map();
function resign(sha256, p, reuse = false) {
  const make = () => new SignatureV4({ service: 'kms', region: 'us-east-1', sha256, credentials: { accessKeyId: 'QKMSBENCHMICRO01', secretAccessKey }, applyChecksum: false });
  // One SignatureV4 per access key keeps its derived-key cache across requests.
  let s = reuse ? reused.get(sha256) : undefined;
  if (!s) {
    s = make();
    if (reuse) reused.set(sha256, s);
  }
  return s.sign(
    { method: 'POST', protocol: 'https:', hostname: p.headers.host, path: '/', query: {}, headers: p.headers, body: p.body },
    { signingDate: new Date(), signableHeaders: new Set(['content-type', 'host', 'x-amz-date', 'x-amz-target']) },
  );
}

const n = Number(process.argv[2] ?? 3000);
const p = parts();
const result = {
  verifySigV4AsBuiltUs: await perCallUs(n, () => verifySigV4(p, options)),
  smithyWithSha256JsUs: await perCallUs(n, () => resign(Sha256, p)),
  smithyWithNodeCryptoUs: await perCallUs(n, () => resign(NodeSha256, p)),
  smithyReusedWithNodeCryptoUs: await perCallUs(n, () => resign(NodeSha256, p, true)),
  benchSignerNodeCryptoUs: await perCallUs(n, () => signer.sign('127.0.0.1:8080', 'TrentService.Sign', body)),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
