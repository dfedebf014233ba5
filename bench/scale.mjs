// Key-metadata scale: how start-up and idle cost grow with the number of keys. For each key
// count it fills a throwaway SoftHSM token with HMAC keys and their metadata records (written
// directly with pkcs11js in QKMS's record format, with an alias on every tenth key), then
// starts the built daemon and measures
//   - ready time: spawn to /readyz 200 (C_Initialize, self-test, reading every record once);
//   - idle token calls per second, counted independently by OpenSC's pkcs11-spy between the
//     module and SoftHSM, over BENCH_IDLE_SECONDS [30] of doing nothing;
//   - idle CPU of the daemon over the same window (all threads, from /proc);
//   - one key change (TagResource) and how long a second daemon on the token took to serve it.
// Writes bench/results/scale.json and prints a table. Run: node bench/scale.mjs (after
// bench/run.sh or scripts/setup.sh has built QKMS). Knobs: BENCH_SCALE_KEYS [100,1000,10000].

import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpuSeconds } from './lib/proc.mjs';
import { createCredentials, kmsCall, QKMS_MAIN, startQkms, writeConfig } from './lib/qkms.mjs';
import { freePort } from './lib/steps.mjs';
import { createToken, SOFTHSM_MODULE, TOKEN_LABEL } from './lib/token.mjs';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const require = createRequire(import.meta.url);
const pkcs11js = require('pkcs11js');
const records = require(join(ROOT, 'dist/keys/store/token/records.js'));
// QKMS's own object templates, so the token holds exactly what QKMS would have made.
const { dataObjectTemplate, secretKeyTemplate } = require(join(ROOT, 'dist/pkcs11/templates.js'));
const { CKM, CKF_OS_LOCKING_OK, CKF_RW_SESSION, CKF_SERIAL_SESSION, CKU_USER } = require(
  join(ROOT, 'dist/pkcs11/constants.js'),
);
const SPY = '/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so';
const counts = (process.env.BENCH_SCALE_KEYS ?? '100,1000,10000').split(',').map(Number);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const log = (msg) => process.stderr.write(`scale: ${msg}\n`);

/** Fills the token: `n` HMAC_256 keys, each with its record; every tenth with an alias. */
function fill(token, n) {
  const p11 = new pkcs11js.PKCS11();
  p11.load(SOFTHSM_MODULE);
  p11.C_Initialize({ flags: CKF_OS_LOCKING_OK });
  try {
    const slot = p11
      .C_GetSlotList(true)
      .find((s) => p11.C_GetTokenInfo(s).label.trim() === TOKEN_LABEL);
    const session = p11.C_OpenSession(slot, CKF_RW_SESSION | CKF_SERIAL_SESSION);
    p11.C_Login(session, CKU_USER, token.pin());
    const data = (label, value) =>
      p11.C_CreateObject(
        session,
        dataObjectTemplate(records.METADATA_APPLICATION, label, Buffer.from(value)),
      );
    for (let i = 0; i < n; i++) {
      const keyId = randomUUID();
      const idHex = keyId.replace(/-/g, '');
      p11.C_GenerateKey(
        session,
        { mechanism: CKM.GENERIC_SECRET_KEY_GEN },
        secretKeyTemplate(32, Buffer.from(idHex, 'hex'), keyId, true),
      );
      const record = {
        keyId,
        keySpec: 'HMAC_256',
        keyUsage: 'GENERATE_VERIFY_MAC',
        description: `scale key ${i}`,
        state: 'Enabled',
        creationDate: Math.floor(Date.now() / 1000),
        origin: 'AWS_KMS',
        tags: [],
        locator: { idHex },
      };
      data(records.keyLabel(keyId), records.encodeKey(record, 1));
      if (i % 10 === 0) {
        const name = `alias/scale-${i}`;
        const now = record.creationDate;
        data(
          records.aliasLabel(name),
          records.encodeAlias(name, { name, keyId, creationDate: now, lastUpdatedDate: now }, 1),
        );
      }
      if (i > 0 && i % 1000 === 0) log(`  ${i} keys`);
    }
    data(
      records.GENERATION_LABEL,
      records.encodeGeneration({ generation: 1, writing: false, host: 'bench', pid: 0, time: 0 }),
    );
    p11.C_Logout(session);
    p11.C_CloseSession(session);
  } finally {
    p11.C_Finalize();
  }
}

/** PKCS#11 calls in pkcs11-spy's log (one "N: C_Name" line per call). */
function spyCalls(file, from = 0) {
  const text = readFileSync(file, 'latin1').slice(from);
  const calls = {};
  for (const m of text.matchAll(/^\d+: (C_\w+)/gm)) calls[m[1]] = (calls[m[1]] ?? 0) + 1;
  return calls;
}

/** A daemon on the token with its config in `dir`; every daemon shares `lockDir`, as on one host. */
async function daemon(dir, lockDir, token, credentials, { spyLog } = {}) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const metricsPort = await freePort();
  const config = writeConfig({
    dir,
    token,
    credentialsFile: credentials.file,
    port,
    metricsPort,
    workers: 1,
    ...(spyLog ? { module: SPY } : {}),
  });
  const started = performance.now();
  const qkms = await startQkms({
    config,
    softhsmConf: token.softhsmConf,
    port,
    metricsPort,
    env: {
      QKMS_METADATA_LOCK_DIR: lockDir,
      ...(spyLog ? { PKCS11SPY: SOFTHSM_MODULE, PKCS11SPY_OUTPUT: spyLog } : {}),
    },
  });
  return { qkms, port, readySeconds: (performance.now() - started) / 1000 };
}

const results = [];
for (const n of counts) {
  const dir = join(ROOT, 'bench/results/work-scale', String(n));
  mkdirSync(dir, { recursive: true });
  const token = createToken(join(dir, 'token'));
  process.env.SOFTHSM2_CONF = token.softhsmConf;
  const credentials = createCredentials(dir);
  log(`${n} keys: filling the token`);
  const fillStart = performance.now();
  fill(token, n);
  const fillSeconds = (performance.now() - fillStart) / 1000;

  log(`${n} keys: start-up (plain module)`);
  const plain = await daemon(dir, dir, token, credentials);
  const client = {
    port: plain.port,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
  };
  const listed = await kmsCall(client, 'ListKeys', { Limit: 1000 });

  log(`${n} keys: idle, counted by pkcs11-spy (${idleSeconds} s)`);
  const spyLog = join(dir, 'spy.log');
  writeFileSync(spyLog, '');
  const spied = await daemon(join(dir, 'spied'), dir, token, credentials, { spyLog }).catch(
    async (err) => {
      await plain.qkms.stop();
      throw err;
    },
  );
  // Let start-up's work settle, then count only the idle window.
  await new Promise((r) => setTimeout(r, 2000));
  const mark = statSync(spyLog).size;
  const cpu0 = cpuSeconds(spied.qkms.pid);
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const idleCalls = spyCalls(spyLog, mark);
  const idleCpu = (cpuSeconds(spied.qkms.pid) - cpu0) / idleSeconds;
  const totalIdle = Object.values(idleCalls).reduce((a, b) => a + b, 0);

  log(`${n} keys: one change, seen by the other daemon`);
  const keyId = listed.body.Keys[0].KeyId;
  const changeStart = performance.now();
  await kmsCall(client, 'TagResource', {
    KeyId: keyId,
    Tags: [{ TagKey: 'scale', TagValue: String(n) }],
  });
  const changeSeconds = (performance.now() - changeStart) / 1000;
  const other = { ...client, port: spied.port };
  let seenSeconds = NaN;
  for (let i = 0; i < 600; i++) {
    const tags = await kmsCall(other, 'ListResourceTags', { KeyId: keyId });
    if (tags.body.Tags.some((t) => t.TagKey === 'scale')) {
      seenSeconds = (performance.now() - changeStart) / 1000;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await spied.qkms.stop();
  await plain.qkms.stop();
  const row = {
    keys: n,
    fillSeconds: +fillSeconds.toFixed(1),
    readySeconds: +plain.readySeconds.toFixed(2),
    readyMsPerThousandKeys: +((plain.readySeconds * 1000 * 1000) / n).toFixed(1),
    idleCallsPerSecond: +(totalIdle / idleSeconds).toFixed(2),
    idleCalls,
    idleCpuCores: +idleCpu.toFixed(4),
    tagResourceSeconds: +changeSeconds.toFixed(3),
    seenByOtherProcessSeconds: +seenSeconds.toFixed(3),
  };
  log(JSON.stringify(row));
  results.push(row);
}

const out = join(ROOT, 'bench/results/scale.json');
writeFileSync(
  out,
  `${JSON.stringify({ when: new Date().toISOString(), idleSeconds, qkms: QKMS_MAIN.replace(ROOT, '.'), results }, null, 2)}\n`,
);
console.log('keys\tready s\tidle calls/s\tidle CPU\tTagResource s\tseen elsewhere s');
for (const r of results)
  console.log(
    [
      r.keys,
      r.readySeconds,
      r.idleCallsPerSecond,
      r.idleCpuCores,
      r.tagResourceSeconds,
      r.seenByOtherProcessSeconds,
    ].join('\t'),
  );
console.log(`written to ${out}`);
