// Profiles QKMS under saturating load (node --cpu-prof, every thread) and charges the CPU time
// of the load window to the parts of the request path, per request.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startQkms } from './qkms.mjs';
import { generate } from './steps.mjs';
import { summarizeProfile, topFunctions } from './profile-summary.mjs';

/**
 * @param {{config: string, softhsmConf: string, port: number, metricsPort: number, dir: string,
 *   load: object, connections: number, secret: string}} o
 */
export async function profileQkms(o) {
  rmSync(o.dir, { recursive: true, force: true });
  mkdirSync(o.dir, { recursive: true });
  const qkms = await startQkms({
    config: o.config, softhsmConf: o.softhsmConf, port: o.port, metricsPort: o.metricsPort,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', o.dir, '--cpu-prof-interval', '250'],
  });
  let run;
  try {
    run = await generate({ ...o.load, connections: o.connections }, o.secret, [qkms.pid]);
  } finally {
    await qkms.stop();
  }
  const files = readdirSync(o.dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(o.dir, f));
  const threads = files.map((file) => {
    const summary = summarizeProfile(file, run.windowMonotonicUs);
    const perRequestUs = Object.fromEntries(
      Object.entries(summary.byCategory)
        .filter(([k]) => k !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .map(([k, ms]) => [k, Number(((ms * 1000) / run.completed).toFixed(1))]),
    );
    return {
      file,
      busyMs: Number(summary.busyMs.toFixed(0)),
      windowMs: Number(summary.totalMs.toFixed(0)),
      busyUsPerRequest: Number(((summary.busyMs * 1000) / run.completed).toFixed(1)),
      perRequestUs,
      top: topFunctions(file, run.windowMonotonicUs),
    };
  });
  // The thread that spent the most is the HTTP thread; the token thread is the other one.
  threads.sort((a, b) => b.busyMs - a.busyMs);
  return { requests: run.completed, perSecond: run.okPerSecond, connections: o.connections, threads };
}
