// Prints bench/results/latest.json as the Markdown tables docs/performance.md carries, so the
// numbers in the docs are copied by a program, never by hand: `node bench/report.mjs`.

import { readFileSync } from 'node:fs';
import { threadName } from './lib/table.mjs';

const r = JSON.parse(readFileSync(new URL('results/latest.json', import.meta.url), 'utf8'));
const yes = (ok) => (ok ? 'met' : '**missed**');
const out = [];
const m = r.machine;
out.push(`Measured ${r.when} on ${m.cores} cores (${m.cpu}), Linux ${m.kernel}, Node ${m.node} (bundled OpenSSL ${m.nodeOpenssl}), SoftHSM ${m.softhsm}; QKMS with config workers: ${r.settings.qkmsWorkers ?? '(setting absent)'} (${Math.max(...r.rows.map((x) => x.qkmsProcesses))} QKMS process(es) seen under load), SigV4 on, metrics on, audit file on; ${r.settings.seconds} s per load run, ${r.settings.rawSeconds} s per raw loop; the run took ${Math.round(r.runSeconds)} s.`);
out.push('');
out.push('| algorithm | QKMS sig/s | native raw sig/s | pkcs11js raw sig/s | HTTP floor req/s | × native | × pkcs11js | × floor | p50 @ 50% | p99 @ 50% | raw latency | peak RSS/worker |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const x of r.rows) {
  out.push(`| ${x.name} | ${x.qkmsPerSecond} | ${x.nativePerSecond} | ${x.pkcs11jsPerSecond} | ${x.floorPerSecond} | ${x.ratioNative} | ${x.ratioPkcs11js} | ${x.ratioFloor} | ${x.p50Ms} ms | ${x.p99Ms} ms | ${x.rawLatencyUs} µs | ${x.peakRssMiBPerWorker} MiB |`);
}
out.push('');
out.push('| algorithm | throughput target | p99 target | RSS ≤ 150 MiB | QKMS CPU (cores) | generator CPU | background CPU |');
out.push('| --- | --- | --- | --- | ---: | ---: | ---: |');
for (const x of r.rows) {
  const t = x.targets;
  out.push(`| ${x.name} | ≥ ${t.throughput.needed} × ${t.throughput.reference}: ${yes(t.throughput.met)} | ≤ ${t.p99.boundMs} ms: ${yes(t.p99.met)} | ${yes(t.rss.met)} | ${x.qkmsCpuShare} | ${x.generatorCpuShare} | ${x.backgroundCpuShare} |`);
}
const g = r.generatorCeiling;
if (g?.signed) {
  out.push('');
  out.push(`Load generator: builds ${Math.round(g.signed.signOnlyPerSecond)} signed requests/s on its own; against the P-256-sized floor it reached ${Math.round(g.signed.okPerSecond)} req/s signing every request and ${Math.round(g.presigned.okPerSecond)} req/s replaying one presigned request, using ${g.signed.generatorCpuShare.toFixed(2)} cores while the floor server used ${g.signed.serverCpuShare.toFixed(2)}.`);
}
out.push('');
out.push(`Background load (cores busy with other processes while the bench was idle): ${Object.entries(r.background).map(([k, v]) => `${k} ${v.busyCores}`).join(', ')}.`);
if (r.sigv4Micro) {
  const s = r.sigv4Micro;
  out.push('');
  out.push(`SigV4 verification alone (µs per request): as built ${s.verifySigV4AsBuiltUs.toFixed(1)}; @smithy/signature-v4 new per request with sha256-js ${s.smithyWithSha256JsUs.toFixed(1)}, with node:crypto ${s.smithyWithNodeCryptoUs.toFixed(1)}, one instance per access key with node:crypto ${s.smithyReusedWithNodeCryptoUs.toFixed(1)}; a direct node:crypto canonicalisation of the KMS request shape (the bench's own signer) ${s.benchSignerNodeCryptoUs.toFixed(1)}.`);
}
for (const x of r.rows) {
  if (x.pkcs11jsDeepbindPerSecond !== null) {
    out.push(`- ${x.name}: pkcs11js ${x.pkcs11jsPerSecond}/s with SoftHSM bound to Node's OpenSSL, ${x.pkcs11jsPreloadPerSecond ? `${x.pkcs11jsPreloadPerSecond}/s with LD_PRELOAD of Debian's libcrypto, ` : ''}${x.pkcs11jsDeepbindPerSecond}/s through bench/native/deepbind-shim.c${x.qkmsDeepbindPerSecond !== null ? `; QKMS ${x.qkmsPerSecond}/s → ${x.qkmsDeepbindPerSecond}/s` : ''}.`);
  }
}
if (r.profile) {
  const p = r.profile;
  out.push('');
  out.push(`CPU profile, ${p.case} at saturation (${Math.round(p.perSecond)} req/s under the profiler, ${p.connections} connections, ${p.requests} requests in the window; each thread's µs are over all requests, so with N workers one thread handled about 1/N of them; the profiler slows QKMS about 3×, so read shares, and take absolute CPU from the QKMS CPU column above):`);
  out.push('');
  out.push('| thread | part of the path | µs per request | share |');
  out.push('| --- | --- | ---: | ---: |');
  p.threads.forEach((t, i) => {
    const name = `${threadName(t)} ${i + 1}`;
    for (const [k, us] of Object.entries(t.perRequestUs)) {
      if (us < 0.5) continue;
      out.push(`| ${name} | ${k} | ${us} | ${((us / t.busyUsPerRequest) * 100).toFixed(0)}% |`);
    }
    out.push(`| ${name} | **busy in total** | **${t.busyUsPerRequest}** | |`);
  });
}
process.stdout.write(`${out.join('\n')}\n`);
