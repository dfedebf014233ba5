// µs per verifySigV4 call, as built (dist/auth/sigv4-verifier.js), on a request shaped like the
// AWS SDK's KMS Sign call and signed once by the real @smithy/signature-v4 signer. The same
// request is verified 20k times (the body hash and canonical request are recomputed each time;
// the derived signing key may be cached, as it would be across a day of real traffic).
// Usage: node bench/micro/sigv4.mjs [iterations] [path/to/sigv4-verifier.js]. Prints one JSON line.

import { Buffer } from 'node:buffer';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const n = Number(process.argv[2] ?? 20_000);
const modulePath = resolve(process.argv[3] ?? `${ROOT}/dist/auth/sigv4-verifier.js`);
const { verifySigV4 } = require(modulePath);
const { SignatureV4 } = require('@smithy/signature-v4');

/** node:crypto in the Checksum shape SignatureV4 wants (signing cost is not what is measured). */
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

const accessKeyId = 'QKMSBENCHMICRO01';
const secretAccessKey = 'bench-only-secret-not-used-anywhere-else';
const signedAt = Date.UTC(2026, 10, 23, 12, 0, 0);
const body = Buffer.from(
  JSON.stringify({
    KeyId: '00000000-0000-4000-8000-000000000000',
    Message: 'A'.repeat(44),
    MessageType: 'DIGEST',
    SigningAlgorithm: 'ECDSA_SHA_256',
  }),
);
const signer = new SignatureV4({
  service: 'kms',
  region: 'us-east-1',
  sha256: NodeSha256,
  credentials: { accessKeyId, secretAccessKey },
  applyChecksum: false,
});
const signed = await signer.sign(
  {
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: '/',
    query: {},
    headers: {
      host: '127.0.0.1:8080',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Sign',
      'content-length': String(body.length),
      'amz-sdk-invocation-id': '6f1c1f7e-8f0e-4a57-9d55-0c7f1a0e9b11',
      'amz-sdk-request': 'attempt=1; max=3',
      'x-amz-user-agent': 'aws-sdk-js/3.900.0',
      'user-agent': 'aws-sdk-js/3.900.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/kms#3.900.0',
    },
    body,
  },
  { signingDate: new Date(signedAt) },
);
const parts = {
  method: 'POST',
  path: '/',
  query: '',
  headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
  body,
};
const options = {
  service: 'kms',
  region: 'us-east-1',
  requiredSignedHeaders: ['x-amz-target'],
  lookup: (id) => (id === accessKeyId ? { principal: 'bench', secretAccessKey } : undefined),
  now: () => signedAt,
};

await verifySigV4(parts, options); // throws if the request does not verify: nothing to time then
for (let i = 0; i < 500; i++) await verifySigV4(parts, options);
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) await verifySigV4(parts, options);
const wallUs = Number(process.hrtime.bigint() - t0) / 1000 / n;
const cpu = process.cpuUsage(cpu0);
// CPU time is the figure to compare on a shared machine: wall time also counts other processes.
const cpuUs = (cpu.user + cpu.system) / n;
process.stdout.write(
  `${JSON.stringify({
    module: modulePath.replace(`${ROOT}/`, ''),
    iterations: n,
    cpuUsPerVerification: Number(cpuUs.toFixed(2)),
    wallUsPerVerification: Number(wallUs.toFixed(2)),
  })}\n`,
);
