// Shared parts of the key-metadata e2e tests (metadata-concurrency, metadata-crash): a throwaway
// SoftHSM token per test file, the built `qkms` started as detached process groups (so a
// SIGKILL reaches every worker), readiness through /readyz, SDK clients that open a new
// connection per request, and the outcome of a request as a history checker needs it.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { daemonKms, QKMS_BIN } from './daemon';

export const SOFTHSM_MODULE_PATH = '/usr/lib/softhsm/libsofthsm2.so';

export interface ThrowawayToken {
  /** The temp directory: SoftHSM's config and token files, PIN files, audit logs, lock dir. */
  readonly dir: string;
  readonly label: string;
  readonly softhsmConf: string;
  readonly pinFile: string;
  readonly pin: string;
  remove(): void;
}

/** A new SoftHSM token in its own temp directory (as `prepareDevToken` makes one). */
export function makeThrowawayToken(label: string): ThrowawayToken {
  const dir = mkdtempSync(join(tmpdir(), 'qkms-metadata-'));
  const tokens = join(dir, 'tokens');
  mkdirSync(tokens, { recursive: true, mode: 0o700 });
  const softhsmConf = join(dir, 'softhsm2.conf');
  writeFileSync(
    softhsmConf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const pin = randomBytes(8).toString('hex');
  const soPin = randomBytes(8).toString('hex');
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin],
    { env: { ...process.env, SOFTHSM2_CONF: softhsmConf }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const pinFile = join(dir, 'user.pin');
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return {
    dir,
    label,
    softhsmConf,
    pinFile,
    pin,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let auditFiles = 0;
let storeEnv: Record<string, string> = {};

/**
 * Points every process started through tokenEnv at one metadata store (QKMS_METADATA_* settings,
 * e.g. a test database's); without it they keep metadata in the token.
 */
export function useMetadataStore(env: Record<string, string>): void {
  storeEnv = env;
}

/** The environment every process on `token` gets (a fresh audit file per call). */
export function tokenEnv(
  token: ThrowawayToken,
  ports: { api: number; metrics: number },
  extra: Record<string, string> = {},
): Record<string, string> {
  auditFiles += 1;
  return {
    SOFTHSM2_CONF: token.softhsmConf,
    QKMS_TOKEN_LABEL: token.label,
    QKMS_PIN_FILE: token.pinFile,
    QKMS_AUTH_MODE: 'none',
    QKMS_LISTEN_HOST: '127.0.0.1',
    QKMS_LISTEN_PORT: String(ports.api),
    QKMS_METRICS_PORT: String(ports.metrics),
    QKMS_AUDIT_FILE: join(token.dir, `audit-${auditFiles}.log`),
    // Every process on this host that writes this token shares this directory (issue 11).
    QKMS_METADATA_LOCK_DIR: token.dir,
    QKMS_METADATA_REFRESH_SECONDS: '1',
    ...storeEnv,
    ...extra,
  };
}

/** This process's environment without anything that could point QKMS or SoftHSM elsewhere. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('QKMS_') && k !== 'SOFTHSM2_CONF') out[k] = v;
  }
  return { ...out, ...env };
}

const OUTPUT_LIMIT = 256 * 1024;

export interface QkmsProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last 256 KiB of stdout and stderr together. */
  output(): string;
  stdout(): string;
  readonly exited: Promise<number | null>;
  running(): boolean;
  /** Signals the whole process group (the cluster primary and its workers). */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const started = new Set<QkmsProcess>();

/**
 * Starts `node dist/cli/main.js ...args` in its own process group; `fileSizeBlocks` caps the
 * size of every file it writes (bash's ulimit -f, in 1024-byte blocks), as a full disk would.
 */
export function spawnQkms(
  args: string[],
  env: Record<string, string>,
  options: { fileSizeBlocks?: number } = {},
): QkmsProcess {
  const command = [process.execPath, QKMS_BIN, ...args];
  const limited = options.fileSizeBlocks
    ? ['bash', ['-c', `ulimit -f ${options.fileSizeBlocks} && exec "$@"`, 'qkms', ...command]]
    : [process.execPath, [QKMS_BIN, ...args]];
  const child = spawn(limited[0] as string, limited[1] as string[], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let stdout = '';
  const keep = (text: string): string =>
    text.length > OUTPUT_LIMIT ? text.slice(text.length - OUTPUT_LIMIT) : text;
  child.stdout?.on('data', (d: Buffer) => {
    output = keep(output + d.toString());
    stdout = keep(stdout + d.toString());
  });
  child.stderr?.on('data', (d: Buffer) => (output = keep(output + d.toString())));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      resolve(code);
    });
    child.once('error', () => {
      exitCode = null;
      resolve(null);
    });
  });
  const pid = child.pid as number;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const proc: QkmsProcess = {
    child,
    pid,
    output: () => output,
    stdout: () => stdout,
    exited,
    running: () => exitCode === undefined,
    signalGroup,
    async stop(graceMs = 15_000) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Workers left behind by a primary that died first.
      signalGroup('SIGKILL');
    },
  };
  started.add(proc);
  void exited.then(() => {
    if (!proc.running()) started.delete(proc);
  });
  return proc;
}

/** Kills (SIGKILL) every process group this file started that may still be alive. */
export async function killEveryQkms(): Promise<void> {
  const all = [...started];
  for (const p of all) p.signalGroup('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
  started.clear();
}

/** Runs a `qkms` command (e.g. `keys alias ...`) to completion; SIGKILL after `limitMs`. */
export async function runQkmsCommand(
  args: string[],
  env: Record<string, string>,
  limitMs = 60_000,
): Promise<{ code: number | null; stdout: string; output: string; timedOut: boolean }> {
  const proc = spawnQkms(args, env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.signalGroup('SIGKILL');
  }, limitMs);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, stdout: proc.stdout(), output: proc.output(), timedOut };
}

/** Waits until /readyz on the metrics port answers 200; throws with the daemon's output if not. */
export async function waitReady(proc: QkmsProcess, metricsPort: number, limitMs = 60_000) {
  const end = Date.now() + limitMs;
  for (;;) {
    if (!proc.running()) throw new Error(`qkms exited before it was ready:\n${proc.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/readyz`, {
        signal: AbortSignal.timeout(2000),
      });
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) {
      throw new Error(`qkms was not ready within ${limitMs} ms:\n${proc.output().slice(-8000)}`);
    }
    await sleep(100);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A real @aws-sdk/client-kms with one attempt per call and a new connection per request, so a
 * cluster's primary hands consecutive requests to its workers in turn. The generous request
 * timeout only stops a hung daemon from hanging the test (a timeout is an indeterminate outcome).
 */
export function freshConnectionKms(url: string): KMSClient {
  return daemonKms(url, {
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: false }),
      connectionTimeout: 5000,
      requestTimeout: 30_000,
    }),
  });
}

export type Outcome = 'ok' | 'failed' | 'indeterminate';

/** Server answers after which a change may or may not have happened (or may still happen). */
const INDETERMINATE_ERRORS = new Set([
  'DependencyTimeoutException',
  'ThrottlingException',
  'KMSInternalException',
  'KeyUnavailableException',
]);

/**
 * How a failed request counts: a KMS client error (NotFound, AlreadyExists, KMSInvalidState,
 * Validation, Tag...) means the change did not happen; throttling, dependency timeouts, server
 * faults and transport errors (no answer) mean it may or may not have happened.
 */
export function classifyError(err: unknown): { outcome: Outcome; error: string } {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name ?? 'Error';
  if (status !== undefined) {
    const indeterminate = INDETERMINATE_ERRORS.has(name) || status >= 500;
    return { outcome: indeterminate ? 'indeterminate' : 'failed', error: name };
  }
  return {
    outcome: 'indeterminate',
    error: `transport:${e?.code ?? name}${e?.message ? ` (${e.message.slice(0, 80)})` : ''}`,
  };
}

/** The error name of an SDK failure (or the transport error). */
export function errorName(err: unknown): string {
  return classifyError(err).error;
}

/** A small seeded PRNG (mulberry32), so a failing run can be repeated with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(random() * items.length)] as T;
};

/** The seed from QKMS_TEST_SEED, or a new one; print it in failures. */
export function testSeed(): number {
  const given = Number(process.env.QKMS_TEST_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}
