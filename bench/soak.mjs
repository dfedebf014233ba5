// The soak: QKMS (workers: auto, SigV4, metrics, audit file) under a bounded fixed-rate P-256
// load for BENCH_SOAK_SECONDS [300], in windows of 30 s. After each window it records every QKMS
// process's resident memory (VmRSS, not the peak), the rate achieved, the errors and the p99.
// The question it answers: does memory keep growing under steady load (a leak), or settle?
// Prints one table and writes bench/results/soak.json. Run after ./bench/run.sh has built
// everything: node bench/soak.mjs

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, signBody } from './lib/algorithms.mjs';
import { machine } from './lib/machine.mjs';
import { childPids, rssMiB } from './lib/proc.mjs';
import { kmsCall, prepareWorkspace, REGION, startQkms } from './lib/qkms.mjs';
import { BENCH_DIR, generate } from './lib/steps.mjs';

const totalSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const windowSeconds = 30;
const rate = Number(process.env.BENCH_SOAK_RATE ?? 1000);
const log = (msg) => process.stderr.write(`soak: ${msg}\n`);

const { token, credentials, port, metricsPort, config, client } = await prepareWorkspace(
  join(BENCH_DIR, 'results/soak-work'),
);
const qkms = await startQkms({ config: config(), softhsmConf: token.softhsmConf, port, metricsPort });
const pids = () => [qkms.pid, ...childPids(qkms.pid)];
const windows = [];
try {
  const p256 = CASES.find((c) => c.name === 'ECC_NIST_P256');
  const { body } = await kmsCall(client, 'CreateKey', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
  const load = {
    host: '127.0.0.1', port, warmupSeconds: 0, seconds: windowSeconds, target: 'TrentService.Sign',
    bodyBase64: signBody(p256, body.KeyMetadata.KeyId).toString('base64'),
    accessKeyId: credentials.accessKeyId, region: REGION, connections: 16, rate,
  };
  const startRss = Object.fromEntries(pids().map((pid) => [pid, Number(rssMiB(pid).toFixed(1))]));
  log(`QKMS processes ${pids().join(', ')}; ${rate}/s for ${totalSeconds} s`);
  for (let t = 0; t < totalSeconds; t += windowSeconds) {
    const run = await generate(load, credentials.secretAccessKey, pids());
    const rss = Object.fromEntries(pids().map((pid) => [pid, Number(rssMiB(pid).toFixed(1))]));
    windows.push({
      endSecond: t + windowSeconds,
      okPerSecond: Math.round(run.okPerSecond),
      errors: Object.entries(run.statuses).reduce((n, [status, count]) => (status === '200' ? n : n + count), 0),
      p99Ms: Number((run.latencyUs.p99 / 1000).toFixed(2)),
      rssMiB: rss,
    });
    log(`${t + windowSeconds}s: ${Math.round(run.okPerSecond)}/s, p99 ${(run.latencyUs.p99 / 1000).toFixed(2)} ms, RSS ${JSON.stringify(rss)}`);
  }
  // Warm-up fills caches and the heap; a leak shows as growth that goes on after it. So: growth
  // from the end of the first window, and over the second half of the soak alone.
  const last = windows[windows.length - 1].rssMiB;
  const growthSince = (w) =>
    Object.fromEntries(Object.keys(last).map((pid) => [pid, Number((last[pid] - (w.rssMiB[pid] ?? last[pid])).toFixed(1))]));
  const growth = growthSince(windows[0]);
  const secondHalf = growthSince(windows[Math.floor((windows.length - 1) / 2)]);
  const maxRss = Math.max(...windows.flatMap((w) => Object.values(w.rssMiB)));
  const result = { when: new Date().toISOString(), machine: machine(), rate, totalSeconds, startRss, windows, growthAfterFirstWindowMiB: growth, growthOverSecondHalfMiB: secondHalf, maxRssMiB: maxRss };
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  writeFileSync(join(BENCH_DIR, 'results/soak.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log('window end  sig/s  p99 ms  RSS MiB per process');
  for (const w of windows) {
    console.log(`${String(w.endSecond).padStart(9)}s ${String(w.okPerSecond).padStart(6)} ${String(w.p99Ms).padStart(7)}  ${Object.values(w.rssMiB).join(' / ')}`);
  }
  console.log(`growth from the end of the first window to the end: ${JSON.stringify(growth)} MiB; over the second half: ${JSON.stringify(secondHalf)} MiB; highest RSS ${maxRss} MiB`);
} finally {
  await qkms.stop();
}
