// Runs the built QKMS daemon (`node dist/cli/main.js serve --config …`) on the bench token with
// SigV4, the metrics listener and the audit file on, and talks to it with signed requests.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Sigv4Signer } from './sigv4.mjs';
import { freePort } from './steps.mjs';
import { SOFTHSM_MODULE, TOKEN_LABEL, createToken } from './token.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const QKMS_MAIN = join(ROOT, 'dist/cli/main.js');
export const REGION = 'us-east-1';

/** Whether this build of QKMS knows the cluster `workers` setting (being added elsewhere). */
export function supportsWorkers() {
  try {
    const require = createRequire(import.meta.url);
    const { CONFIG_FIELDS } = require(join(ROOT, 'dist/config/schema.js'));
    return CONFIG_FIELDS.some((f) => f.path === 'workers');
  } catch {
    return false;
  }
}

/** A fresh access key for the bench principal; the secret stays in this process and 0600 files. */
export function createCredentials(dir) {
  const accessKeyId = `QKMSBENCH${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  const file = join(dir, 'credentials.yaml');
  writeFileSync(
    file,
    `principals:\n  bench:\n    - accessKeyId: ${accessKeyId}\n      secretAccessKey: "${secretAccessKey}"\n`,
    { mode: 0o600 },
  );
  return { file, accessKeyId, secretAccessKey };
}

/**
 * @param {{dir: string, token: {pinFile: string}, credentialsFile: string, port: number,
 *   metricsPort: number, workers?: string|number, module?: string, sessions?: number}} o
 */
export function writeConfig(o) {
  const file = join(o.dir, 'qkms.yaml');
  const lines = [
    'auth:', '  mode: sigv4', `  credentialsFile: ${o.credentialsFile}`,
    'audit:', `  file: ${join(o.dir, 'audit.log')}`,
    'listen:', '  host: 127.0.0.1', `  port: ${o.port}`,
    'metrics:', '  host: 127.0.0.1', `  port: ${o.metricsPort}`,
    'pkcs11:', `  module: ${o.module ?? SOFTHSM_MODULE}`, `  tokenLabel: ${TOKEN_LABEL}`,
    `  pinFile: ${o.token.pinFile}`,
    ...(o.sessions ? [`  sessions: ${o.sessions}`] : []),
    'log:', '  level: warn',
  ];
  if (o.workers !== undefined && supportsWorkers()) lines.push(`workers: ${o.workers}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * Starts the daemon and waits until /readyz and the API's /healthz answer 200.
 * @param {{config: string, softhsmConf: string, port: number, metricsPort: number,
 *   nodeArgs?: string[], env?: Record<string, string>}} o
 */
export async function startQkms(o) {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), QKMS_MAIN, 'serve', '--config', o.config], {
    env: { ...process.env, SOFTHSM2_CONF: o.softhsmConf, ...(o.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`qkms exited early (${child.exitCode}):\n${output}`);
    if (i > 600) throw new Error(`qkms not ready after 60 s:\n${output}`);
    try {
      // Ready (token open) comes before the API listens: wait for both.
      const ready = (await fetch(`http://127.0.0.1:${o.metricsPort}/readyz`)).ok;
      if (ready && (await fetch(`http://127.0.0.1:${o.port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** One signed KMS call; resolves with the parsed body and the raw response size. */
export function kmsCall({ port, accessKeyId, secretAccessKey }, operation, input) {
  const signer = new Sigv4Signer({ accessKeyId, secretAccessKey, region: REGION });
  const body = Buffer.from(JSON.stringify(input));
  const host = `127.0.0.1:${port}`;
  const headers = signer.sign(host, `TrentService.${operation}`, body);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers: { ...headers, 'Content-Length': body.length } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const parsed = JSON.parse(raw.toString('utf8'));
          if (res.statusCode !== 200) reject(new Error(`${operation}: ${res.statusCode} ${raw}`));
          else resolvePromise({ body: parsed, bytes: raw.length });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A bench workspace under `dir`: a fresh throwaway token (SOFTHSM2_CONF set for this process),
 * an access key, free ports, and a config writer for the daemon (workers: auto, SigV4, metrics,
 * audit file; `module` swaps the PKCS#11 module).
 */
export async function prepareWorkspace(dir) {
  const token = createToken(join(dir, 'token'));
  process.env.SOFTHSM2_CONF = token.softhsmConf;
  const credentials = createCredentials(dir);
  const port = await freePort();
  const metricsPort = await freePort();
  const config = (module) =>
    writeConfig({
      dir, token, credentialsFile: credentials.file, port, metricsPort,
      workers: 'auto', ...(module ? { module } : {}),
    });
  const client = { port, accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
  return { token, credentials, port, metricsPort, config, client };
}
