// Turns one run's measurements into the table rows (with the issue's targets checked) and the
// printed table. Every number here is computed from the run; none is typed in.

const round = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(digits)));

/** One table row from a measured case. */
export function summarize(r) {
  const qkms = r.qkms.okPerSecond;
  const rawLatencyUs = r.native.p50LatencyUs;
  const p99Ms = r.qkmsHalf.latencyUs.p99 / 1000;
  // P-521 inside Node uses Node's OpenSSL (see docs/performance.md): the issue compares it with
  // the pkcs11js loop until that is avoided.
  const reference = r.case.name === 'ECC_NIST_P521' ? r.pkcs11js.perSecond : r.native.perSecond;
  const needed = r.case.tokenBound ? 0.9 : 0.5;
  const p99Bound = (2 * rawLatencyUs) / 1000 + 1;
  return {
    name: r.case.name,
    algorithm: r.case.algorithm,
    qkmsPerSecond: round(qkms),
    nativePerSecond: round(r.native.perSecond),
    pkcs11jsPerSecond: round(r.pkcs11js.perSecond),
    floorPerSecond: round(r.floor.okPerSecond),
    ratioNative: round(qkms / r.native.perSecond, 3),
    ratioPkcs11js: round(qkms / r.pkcs11js.perSecond, 3),
    ratioFloor: round(qkms / r.floor.okPerSecond, 3),
    saturationConnections: r.qkms.connections,
    halfLoadRate: r.qkmsHalf.targetRate,
    halfLoadAchieved: round(r.qkmsHalf.okPerSecond),
    p50Ms: round(r.qkmsHalf.latencyUs.p50 / 1000, 3),
    p99Ms: round(p99Ms, 3),
    rawLatencyUs: round(rawLatencyUs, 1),
    peakRssMiBPerWorker: round(r.peakRssMiB, 1),
    qkmsProcesses: r.qkmsProcesses,
    qkmsCpuShare: round(r.qkms.serverCpuShare, 2),
    generatorCpuShare: round(r.qkms.generatorCpuShare, 2),
    backgroundCpuShare: round(r.qkms.backgroundCpuShare, 2),
    errors: Object.entries(r.qkms.statuses).filter(([s]) => s !== '200').reduce((a, [, n]) => a + n, 0),
    pkcs11jsDeepbindPerSecond: round(r.pkcs11jsDeepbind?.perSecond),
    pkcs11jsPreloadPerSecond: round(r.pkcs11jsPreload?.perSecond),
    qkmsDeepbindPerSecond: round(r.qkmsDeepbind?.okPerSecond),
    targets: {
      throughput: { reference: r.case.name === 'ECC_NIST_P521' ? 'pkcs11js' : 'native', needed, met: qkms >= needed * reference },
      p99: { boundMs: round(p99Bound, 3), met: p99Ms <= p99Bound },
      rss: { boundMiB: 150, met: r.peakRssMiB <= 150 },
    },
  };
}

const pad = (s, n) => String(s ?? '-').padStart(n);
const mark = (ok) => (ok ? '' : '*');

export function renderTable(result) {
  const head = ['algorithm', 'QKMS/s', 'native/s', 'p11js/s', 'floor/s', 'xNative', 'xP11js', 'xFloor', 'p50@50%', 'p99@50%', 'raw µs', 'RSS MiB'];
  const widths = [16, 8, 9, 8, 8, 8, 7, 7, 9, 9, 8, 8];
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]) : pad(c, widths[i]))).join(' ');
  const out = [line(head)];
  for (const r of result.rows) {
    out.push(
      line([
        r.name, r.qkmsPerSecond, r.nativePerSecond, r.pkcs11jsPerSecond, r.floorPerSecond,
        `${r.ratioNative}${mark(r.targets.throughput.met)}`, r.ratioPkcs11js, r.ratioFloor,
        `${r.p50Ms}ms`, `${r.p99Ms}ms${mark(r.targets.p99.met)}`, r.rawLatencyUs, `${r.peakRssMiBPerWorker}${mark(r.targets.rss.met)}`,
      ]),
    );
  }
  const m = result.machine;
  const g = result.generatorCeiling;
  out.push('');
  out.push('* = issue target missed (throughput: 0.9x native for RSA/P-384/P-521/secp256k1, 0.5x for P-256/Ed25519; P-521 against pkcs11js; p99 <= 2 x raw + 1 ms; RSS <= 150 MiB)');
  if (g.signed) {
    out.push(
      `load generator: ${Math.round(g.signed.signOnlyPerSecond)} signed requests/s built alone; floor P-256 ${Math.round(g.signed.okPerSecond)}/s signed per request vs ${Math.round(g.presigned.okPerSecond)}/s presigned; CPU share generator ${g.signed.generatorCpuShare.toFixed(2)} / server ${g.signed.serverCpuShare.toFixed(2)} core`,
    );
  }
  for (const r of result.rows) {
    if (r.pkcs11jsDeepbindPerSecond !== null)
      out.push(`${r.name}: pkcs11js ${r.pkcs11jsPerSecond}/s with Node's OpenSSL, ${r.pkcs11jsPreloadPerSecond !== null ? `${r.pkcs11jsPreloadPerSecond}/s with LD_PRELOAD of Debian's libcrypto, ` : ''}${r.pkcs11jsDeepbindPerSecond}/s through the RTLD_DEEPBIND module${r.qkmsDeepbindPerSecond !== null ? `; QKMS ${r.qkmsPerSecond}/s -> ${r.qkmsDeepbindPerSecond}/s` : ''}`);
  }
  const bg = Object.entries(result.background).map(([k, v]) => `${k} ${v.busyCores}`).join(', ');
  const during = result.rows.map((r) => r.backgroundCpuShare).filter((x) => x !== null);
  out.push(`background load of other processes, cores busy while the bench was idle: ${bg}; during QKMS runs: max ${Math.max(...during).toFixed(2)}`);
  out.push(`${m.cores} cores, ${m.cpu}, Linux ${m.kernel}, Node ${m.node} (OpenSSL ${m.nodeOpenssl}), ${m.softhsm}; QKMS config workers: ${result.settings.qkmsWorkers ?? '(no such setting)'}, QKMS processes seen: ${Math.max(...result.rows.map((r) => r.qkmsProcesses))}; run took ${Math.round(result.runSeconds)} s`);
  return `${out.join('\n')}\n`;
}

/**
 * What a profiled thread is, from where its time went: with several workers there are two HTTP
 * threads and two token threads, in no fixed order.
 */
export function threadName(thread) {
  const [top] = Object.entries(thread.perRequestUs).sort((a, b) => b[1] - a[1]);
  if (!top) return 'idle thread';
  if (top[0] === 'pkcs11 (token thread)') return 'token thread';
  return thread.busyUsPerRequest < 50 ? 'helper thread' : 'HTTP thread';
}

/** The profile breakdown: CPU µs per request by part of the path, per thread. */
export function renderProfile(profile) {
  const out = [`\nCPU per request under saturating load, ${profile.case}, ${Math.round(profile.perSecond)} req/s (${profile.requests} requests profiled; each thread's µs are over all requests, so with N workers a thread handled about 1/N of them):`];
  profile.threads.forEach((t) => {
    out.push(`  ${threadName(t)} (${t.busyUsPerRequest} µs busy per request):`);
    for (const [k, us] of Object.entries(t.perRequestUs)) if (us >= 0.5) out.push(`    ${k.padEnd(36)} ${String(us).padStart(7)} µs`);
  });
  return `${out.join('\n')}\n`;
}
