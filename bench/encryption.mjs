// Encryption, data keys and key agreement (issue 15) against signing, in one run on a throwaway
// SoftHSM token: the built daemon with SigV4, metrics and the audit file on (workers: auto when
// the build has it), keys made through CreateKey, and per operation the saturated rate of
// successful calls (closed loop at a few connection counts, the best kept) and the latency at a
// fixed rate of half of it, with the same load generator and signed requests as bench/run.mjs.
// Every rate is also given as a ratio to Sign ECDSA_SHA_256 on P-256 in the same run, the row the
// main table explains; Sign is measured again last to show how much the machine drifted.
//
// Each request body is built once, sent once through a real call whose answer is checked
// independently (node:crypto verifies, decrypts, encrypts or derives the other side) before the
// generator replays it; a wrong answer stops the run.
//
// Beside each row, "crypto alone": the same cryptography in node:crypto on one core, in this run.
// Inside QKMS, SoftHSM's libcrypto calls bind to Node's own OpenSSL (docs/performance.md, the
// OpenSSL-binding trap), so this is the token's arithmetic without PKCS#11, sessions or HTTP.
//
// Needs SoftHSM, the npm packages and a build (scripts/setup.sh, which bench/run.sh runs), not
// the native loops: npm run build && node bench/encryption.mjs
// Writes bench/results/encryption-latest.json and prints the table.
// Knobs (defaults in brackets): BENCH_SECONDS [3] measured seconds per load run,
// BENCH_CONNECTIONS [4,16,64], BENCH_QUIET_WAIT [45] seconds to wait for a busy machine,
// BENCH_CASES [all] comma-separated row ids.

import {
  constants,
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, MESSAGE, signBody } from './lib/algorithms.mjs';
import { machine } from './lib/machine.mjs';
import { childPids, sampleBackground } from './lib/proc.mjs';
import { kmsCall, prepareWorkspace, REGION, startQkms, supportsWorkers } from './lib/qkms.mjs';
import { BENCH_DIR, generate, saturate } from './lib/steps.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const connectionCounts = (process.env.BENCH_CONNECTIONS ?? '4,16,64').split(',').map(Number);
const only = process.env.BENCH_CASES?.split(',');
const log = (msg) => process.stderr.write(`bench-encryption: ${msg}\n`);
const launched = Date.now();
const b64 = (buf) => Buffer.from(buf).toString('base64');
const unb64 = (s) => Buffer.from(s, 'base64');

function check(condition, what) {
  if (!condition) throw new Error(`check failed before loading: ${what}`);
}

// 0. Background load: give a busy neighbour BENCH_QUIET_WAIT seconds to finish (below 0.3
// cores, as run.mjs), then measure anyway; recorded either way.
const background = {};
const quietDeadline = Date.now() + Number(process.env.BENCH_QUIET_WAIT ?? 45) * 1000;
for (;;) {
  background.start = await sampleBackground();
  if (background.start.busyCores < 0.3 || Date.now() > quietDeadline) break;
  log(`waiting for a quieter machine (${background.start.busyCores} cores busy elsewhere)`);
  await new Promise((r) => setTimeout(r, 4000));
}
// The run proper starts here; the wait is recorded apart.
const started = Date.now();
const waitedSeconds = Math.round((started - launched) / 1000);

// 1. The crypto alone, before QKMS runs (one core, node:crypto).
/** µs per call of fn over about `ms` milliseconds, after a short warm-up. */
function timeIt(fn, ms = 300) {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const t0 = process.hrtime.bigint();
  const until = t0 + BigInt(ms) * 1_000_000n;
  let t = t0;
  while (t < until) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    t = process.hrtime.bigint();
  }
  return Number(t - t0) / 1000 / n;
}
const soft = (() => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const peer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const aesKey = randomBytes(32);
  const pt = randomBytes(32);
  const gcm = (key, data) => {
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
    return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
  };
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', aesKey, iv);
  const sealed = Buffer.concat([c.update(pt), c.final()]);
  const tag = c.getAuthTag();
  const oaep = (hash) => ({ key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash });
  const oaepPriv = (hash) => ({ key: rsa.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash });
  const rsaSha1 = publicEncrypt(oaep('sha1'), pt);
  const rsaSha256 = publicEncrypt(oaep('sha256'), pt);
  return {
    sign: timeIt(() => sign('sha256', MESSAGE, ec.privateKey)),
    aesEncrypt: timeIt(() => gcm(aesKey, pt)),
    aesDecrypt: timeIt(() => {
      const d = createDecipheriv('aes-256-gcm', aesKey, iv);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(sealed), d.final()]);
    }),
    dataKey: timeIt(() => gcm(aesKey, randomBytes(32))),
    rsaEncryptSha1: timeIt(() => publicEncrypt(oaep('sha1'), pt)),
    rsaEncryptSha256: timeIt(() => publicEncrypt(oaep('sha256'), pt)),
    rsaDecryptSha1: timeIt(() => privateDecrypt(oaepPriv('sha1'), rsaSha1)),
    rsaDecryptSha256: timeIt(() => privateDecrypt(oaepPriv('sha256'), rsaSha256)),
    // The gateway's raw-RSA path is the same private-key operation without padding.
    rsaRaw: timeIt(() => privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, rsaSha256)),
    ecdh: timeIt(() => diffieHellman({ privateKey: ec.privateKey, publicKey: peer.publicKey })),
    random: timeIt(() => randomBytes(32)),
    dataKeyPair: timeIt(() => {
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
      pair.publicKey.export({ format: 'der', type: 'spki' });
      return gcm(aesKey, der);
    }),
  };
})();

// 2. The workspace, the daemon, the keys.
const { token, credentials, port, metricsPort, config: qkmsConfig, client } = await prepareWorkspace(
  join(BENCH_DIR, 'results/work-encryption'),
);
const workersSetting = supportsWorkers() ? 'auto' : null;
log(`token in ${token.dir}; QKMS ${workersSetting ? 'workers: auto' : 'one process'}`);
const qkms = await startQkms({ config: qkmsConfig(), softhsmConf: token.softhsmConf, port, metricsPort });
const qkmsPids = () => [qkms.pid, ...childPids(qkms.pid)];
const call = (op, input) => kmsCall(client, op, input).then((r) => r.body);

let result;
try {
  const createKey = async (KeySpec, KeyUsage) =>
    (await call('CreateKey', { KeySpec, KeyUsage, Description: 'bench encryption' })).KeyMetadata.KeyId;
  const keys = {
    symmetric: await createKey('SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'),
    rsa: await createKey('RSA_2048', 'ENCRYPT_DECRYPT'),
    agreement: await createKey('ECC_NIST_P256', 'KEY_AGREEMENT'),
    signing: await createKey('ECC_NIST_P256', 'SIGN_VERIFY'),
  };
  const publicKey = async (keyId) => createPublicKey({ key: unb64((await call('GetPublicKey', { KeyId: keyId })).PublicKey), format: 'der', type: 'spki' });
  const rsaPublic = await publicKey(keys.rsa);
  const agreementPublic = await publicKey(keys.agreement);
  const signingPublic = await publicKey(keys.signing);
  const plaintext = randomBytes(32);

  // 3. The cases: each builds its request once (from real answers where it needs a blob) and
  // checks one real answer to exactly that request.
  const decryptsTo = async (blob, expected, extra = {}) => {
    const out = await call('Decrypt', { CiphertextBlob: blob, ...extra });
    return unb64(out.Plaintext).equals(expected);
  };
  const rsaOaep = (hash) => ({
    key: rsaPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash,
  });
  const p256Case = CASES.find((c) => c.name === 'ECC_NIST_P256');
  const peer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const peerSpki = peer.publicKey.export({ format: 'der', type: 'spki' });

  /** @type {{id: string, label: string, op: string, input: object, soft: number, check: (out: object) => Promise<void>}[]} */
  const cases = [];
  const add = (c) => (!only || only.includes(c.id) || c.id === 'sign-p256') && cases.push(c);

  add({
    id: 'sign-p256', label: 'Sign ECDSA_SHA_256 P-256 (DIGEST)', op: 'Sign', soft: soft.sign,
    input: JSON.parse(signBody(p256Case, keys.signing).toString()),
    check: async (out) => check(verify('sha256', MESSAGE, signingPublic, unb64(out.Signature)), 'Sign: node:crypto verifies the signature'),
  });
  add({
    id: 'encrypt-sym', label: 'Encrypt 32 B SYMMETRIC_DEFAULT', op: 'Encrypt', soft: soft.aesEncrypt,
    input: { KeyId: keys.symmetric, Plaintext: b64(plaintext) },
    check: async (out) => check(await decryptsTo(out.CiphertextBlob, plaintext), 'Encrypt: the blob decrypts to the plaintext'),
  });
  const symBlob = (await call('Encrypt', { KeyId: keys.symmetric, Plaintext: b64(plaintext) })).CiphertextBlob;
  add({
    id: 'decrypt-sym', label: 'Decrypt SYMMETRIC_DEFAULT blob', op: 'Decrypt', soft: soft.aesDecrypt,
    input: { CiphertextBlob: symBlob, KeyId: keys.symmetric },
    check: async (out) => check(unb64(out.Plaintext).equals(plaintext), 'Decrypt: the plaintext comes back'),
  });
  add({
    id: 'data-key', label: 'GenerateDataKey AES_256', op: 'GenerateDataKey', soft: soft.dataKey,
    input: { KeyId: keys.symmetric, KeySpec: 'AES_256' },
    check: async (out) => {
      const key = unb64(out.Plaintext);
      check(key.length === 32, 'GenerateDataKey: 32 plaintext bytes');
      check(await decryptsTo(out.CiphertextBlob, key), 'GenerateDataKey: the blob decrypts to the data key');
    },
  });
  for (const [alg, hash, softEnc] of [
    ['RSAES_OAEP_SHA_1', 'sha1', soft.rsaEncryptSha1],
    ['RSAES_OAEP_SHA_256', 'sha256', soft.rsaEncryptSha256],
  ]) {
    add({
      id: `encrypt-rsa-${hash}`, label: `Encrypt 32 B RSA_2048 ${alg}`, op: 'Encrypt', soft: softEnc,
      input: { KeyId: keys.rsa, Plaintext: b64(plaintext), EncryptionAlgorithm: alg },
      check: async (out) => {
        check(unb64(out.CiphertextBlob).length === 256, `Encrypt ${alg}: a 256-byte ciphertext`);
        check(await decryptsTo(out.CiphertextBlob, plaintext, { KeyId: keys.rsa, EncryptionAlgorithm: alg }), `Encrypt ${alg}: decrypts back`);
      },
    });
  }
  for (const [alg, hash, softDec] of [
    ['RSAES_OAEP_SHA_1', 'sha1', soft.rsaDecryptSha1],
    ['RSAES_OAEP_SHA_256', 'sha256', soft.rsaDecryptSha256],
  ]) {
    // Made offline with the public key, as a KMS user would.
    const blob = publicEncrypt(rsaOaep(hash), plaintext);
    add({
      id: `decrypt-rsa-${hash}`, label: `Decrypt RSA_2048 ${alg}`, op: 'Decrypt', soft: softDec,
      input: { KeyId: keys.rsa, CiphertextBlob: b64(blob), EncryptionAlgorithm: alg },
      check: async (out) => check(unb64(out.Plaintext).equals(plaintext), `Decrypt ${alg}: node:crypto's ciphertext decrypts`),
    });
  }
  add({
    id: 'ecdh', label: 'DeriveSharedSecret ECDH P-256', op: 'DeriveSharedSecret', soft: soft.ecdh,
    input: { KeyId: keys.agreement, KeyAgreementAlgorithm: 'ECDH', PublicKey: b64(peerSpki) },
    check: async (out) => {
      const expected = diffieHellman({ privateKey: peer.privateKey, publicKey: agreementPublic });
      check(unb64(out.SharedSecret).equals(expected), 'DeriveSharedSecret: equals node:crypto ECDH');
    },
  });
  add({
    id: 'random', label: 'GenerateRandom 32 B', op: 'GenerateRandom', soft: soft.random,
    input: { NumberOfBytes: 32 },
    check: async (out) => check(unb64(out.Plaintext).length === 32, 'GenerateRandom: 32 bytes'),
  });
  add({
    id: 'data-key-pair', label: 'GenerateDataKeyPair ECC_NIST_P256', op: 'GenerateDataKeyPair', soft: soft.dataKeyPair,
    input: { KeyId: keys.symmetric, KeyPairSpec: 'ECC_NIST_P256' },
    check: async (out) => {
      const pkcs8 = unb64(out.PrivateKeyPlaintext);
      const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
      const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
      check(spki.equals(unb64(out.PublicKey)), 'GenerateDataKeyPair: the private key matches the public key');
      check(await decryptsTo(out.PrivateKeyCiphertextBlob, pkcs8), 'GenerateDataKeyPair: the sealed private key decrypts');
    },
  });

  for (const c of cases) {
    c.body = Buffer.from(JSON.stringify(c.input));
    const { body, bytes } = await kmsCall(client, c.op, c.input);
    await c.check(body);
    c.requestBytes = c.body.length;
    c.responseBytes = bytes;
    log(`checked ${c.label} (${c.requestBytes} B request, ${bytes} B answer)`);
  }

  // 4. Load: saturation, then half of it at a fixed rate; Sign once more at the end.
  background.qkms = await sampleBackground();
  const measure = async (c) => {
    const load = {
      host: '127.0.0.1', port, warmupSeconds: 1, seconds, target: `TrentService.${c.op}`,
      bodyBase64: c.body.toString('base64'), accessKeyId: credentials.accessKeyId, region: REGION,
    };
    const sat = await saturate(load, credentials.secretAccessKey, qkmsPids(), connectionCounts);
    const rate = Math.max(1, Math.round(sat.best.okPerSecond / 2));
    const half = await generate({ ...load, connections: sat.best.connections, rate }, credentials.secretAccessKey, qkmsPids());
    return { best: sat.best, runs: sat.runs, half };
  };
  for (const c of cases) {
    log(`load ${c.label}`);
    c.load = await measure(c);
  }
  log('load Sign P-256 again (drift)');
  const signAgain = await measure(cases[0]);
  background.end = await sampleBackground();

  const reference = cases[0].load.best.okPerSecond;
  const r = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(d)));
  const row = (c, m, label = c.label) => {
    const errors = [m.best, m.half].flatMap((x) => Object.entries(x.statuses)).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0);
    return {
      id: c.id, label, operation: c.op,
      okPerSecond: r(m.best.okPerSecond),
      ratioToSignP256: r(m.best.okPerSecond / reference, 3),
      connections: m.best.connections,
      saturatedP50Ms: r(m.best.latencyUs.p50 / 1000, 2),
      saturatedP99Ms: r(m.best.latencyUs.p99 / 1000, 2),
      halfRate: m.half.targetRate,
      halfAchieved: r(m.half.okPerSecond),
      p50Ms: r(m.half.latencyUs.p50 / 1000, 2),
      p99Ms: r(m.half.latencyUs.p99 / 1000, 2),
      qkmsCpuUsPerOp: r((m.best.serverCpuShare / m.best.okPerSecond) * 1e6),
      cryptoAloneUs: r(c.soft, 1),
      qkmsCpuShare: r(m.best.serverCpuShare, 2),
      generatorCpuShare: r(m.best.generatorCpuShare, 2),
      backgroundCpuShare: r(m.best.backgroundCpuShare, 2),
      requestBytes: c.requestBytes, responseBytes: c.responseBytes,
      errors, firstError: m.best.firstError ?? m.half.firstError ?? null,
    };
  };
  const rows = cases.map((c) => row(c, c.load));
  rows.push(row(cases[0], signAgain, `${cases[0].label}, again last`));

  result = {
    when: new Date(started).toISOString(),
    runSeconds: null,
    waitedForQuietSeconds: waitedSeconds,
    machine: machine(),
    settings: { seconds, connectionCounts, qkmsWorkers: workersSetting, qkmsProcesses: qkmsPids().length, auth: 'sigv4', metrics: true, audit: true },
    background,
    cryptoAloneUs: Object.fromEntries(Object.entries(soft).map(([k, v]) => [k, r(v, 1)])),
    rows,
    detail: cases.map((c) => ({ id: c.id, operation: c.op, request: c.input, ...c.load })).concat([{ id: 'sign-p256-again', ...signAgain }]),
  };
} finally {
  await qkms.stop();
}
result.runSeconds = (Date.now() - started) / 1000;

mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
writeFileSync(join(BENCH_DIR, 'results/encryption-latest.json'), `${JSON.stringify(result, null, 2)}\n`);

// 5. The table (Markdown, pasted into docs/performance.md as printed).
const out = [];
const m = result.machine;
out.push(
  `Measured ${result.when} on ${m.cores} cores (${m.cpu}), Linux ${m.kernel}, Node ${m.node} (OpenSSL ${m.nodeOpenssl}), SoftHSM ${m.softhsm}; ` +
    `QKMS ${workersSetting ? 'workers: auto' : 'one process'} (${result.settings.qkmsProcesses} process(es)), SigV4, metrics and audit file on; ` +
    `${seconds} s per load run, connections ${connectionCounts.join('/')}; the run took ${Math.round(result.runSeconds)} s (after ${waitedSeconds} s waiting for a quiet machine).`,
  '',
  '| operation | ops/s | × Sign P-256 | p50 @ 50% | p99 @ 50% | QKMS CPU µs/op | crypto alone µs | QKMS / generator / background CPU | errors |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const x of result.rows) {
  out.push(
    `| ${x.label} | ${x.okPerSecond} | ${x.ratioToSignP256} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.qkmsCpuUsPerOp} | ${x.cryptoAloneUs} | ${x.qkmsCpuShare} / ${x.generatorCpuShare} / ${x.backgroundCpuShare} | ${x.errors} |`,
  );
}
out.push(
  '',
  `Background load (cores busy with other processes while the bench was idle): ${Object.entries(result.background).map(([k, v]) => `${k} ${v.busyCores}`).join(', ')}; ` +
    `during the saturation runs kept: ${Math.min(...result.rows.map((x) => x.backgroundCpuShare))}–${Math.max(...result.rows.map((x) => x.backgroundCpuShare))}.`,
  '',
);
process.stdout.write(out.join('\n'));
const failed = result.rows.filter((x) => x.errors > 0);
if (failed.length > 0) {
  log(`ERRORS under load: ${failed.map((x) => `${x.label}: ${x.errors} (${x.firstError})`).join('; ')}`);
  process.exitCode = 1;
}
