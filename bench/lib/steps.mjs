// The measuring steps of one bench run, each returning plain numbers. run.mjs strings them
// together; nothing here prints.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const BENCH_DIR = resolve(new URL('..', import.meta.url).pathname);

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Runs a command that prints one JSON object (its last stdout line) and parses it. */
export function runJson(command, args, env = {}) {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        ok(JSON.parse(last));
      } catch (e) {
        fail(new Error(`${command} ${args.slice(0, 2).join(' ')} failed (${e.message}): ${err || out}`));
      }
    });
  });
}

/** @param {{module: string, tokenLabel: string, keyLabel: string, mechanism: string, input: Buffer, seconds: number, threads: number, pin: string, env?: Record<string,string>}} o */
export function nativeLoop(o) {
  return runJson(
    join(BENCH_DIR, 'results/bin/p11loop'),
    [o.module, o.tokenLabel, o.keyLabel, o.mechanism, o.input.toString('hex'), String(o.seconds), String(o.threads)],
    { BENCH_PIN: o.pin, ...(o.env ?? {}) },
  );
}

/** Same arguments as nativeLoop; `threads` is the number of async sessions. */
export function pkcs11jsLoop(o) {
  return runJson(
    process.execPath,
    [join(BENCH_DIR, 'raw/pkcs11js-loop.mjs'), o.module, o.tokenLabel, o.keyLabel, o.mechanism, o.input.toString('hex'), String(o.seconds), String(o.threads)],
    { BENCH_PIN: o.pin, ...(o.env ?? {}) },
  );
}

/**
 * One load-generator run against a server; the generator reports the server's CPU share over
 * its measured window too.
 * @param {object} load generator options (bench/load/generator.mjs) without the secret
 * @param {string} secret
 * @param {number[]} serverPids processes whose CPU time is the server's
 */
export function generate(load, secret, serverPids) {
  return runJson(
    process.execPath,
    [join(BENCH_DIR, 'load/generator.mjs'), JSON.stringify({ ...load, serverPids })],
    { BENCH_SECRET: secret },
  );
}

/**
 * Closed-loop runs at a few connection counts; the best is the saturation rate.
 * @returns {Promise<{best: object, runs: object[]}>}
 */
export async function saturate(load, secret, serverPids, connectionCounts) {
  const runs = [];
  for (const connections of connectionCounts) {
    runs.push(await generate({ ...load, connections }, secret, serverPids));
  }
  const best = runs.reduce((a, b) => (b.okPerSecond > a.okPerSecond ? b : a));
  return { best, runs };
}

/** Starts bench/floor/server.mjs answering `responseBytes`-byte bodies. */
export async function startFloor(port, responseBytes) {
  const child = spawn(process.execPath, [join(BENCH_DIR, 'floor/server.mjs'), String(port), String(responseBytes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((ok, fail) => {
    child.stdout.once('data', ok);
    child.once('exit', (code) => fail(new Error(`floor server exited ${code}`)));
  });
  return {
    pid: child.pid,
    stop: () => new Promise((ok) => {
      child.once('exit', ok);
      child.kill('SIGTERM');
    }),
  };
}
