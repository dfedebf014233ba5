// `qkms serve`: start the gateway and run until SIGTERM/SIGINT, then drain and exit: 0 when
// everything closed cleanly, 1 otherwise (a token that could not be closed, e.g. an HSM that
// is down), so that a supervisor starts a fresh process. The process ends within the gateway's
// shutdown bound whatever the HSM does. SIGHUP re-reads the credentials file (it is also
// re-read when it changes). With `workers` above 1 this process becomes the cluster primary
// (src/cluster/primary.ts) and each worker runs the gateway.

import cluster from 'node:cluster';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import pino from 'pino';
import { availableCores, runPrimary, workerCount } from '../cluster/primary';
import { catchSignals, type Signals } from './signals';
import { linkToPrimary } from '../cluster/worker-link';
import type { CredentialStore } from '../auth/credential-store';
import type { LoadedConfig } from '../config/load';
import { ConfigError } from '../config/load';
import {
  reportReload,
  SHUTDOWN_LIMIT_MS,
  ShutdownError,
  startGateway,
  type Gateway,
  type GatewayOptions,
} from '../gateway';
import { createLogger, type Logger } from '../log/logger';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Without authentication the API may only be reachable from this machine. */
export function assertLoopbackWithoutAuth(host: string): void {
  if (!isLoopback(host)) {
    throw new ConfigError([
      `listen.host ${host} is not a loopback address: auth.mode none is allowed only on loopback (use auth.mode sigv4)`,
    ]);
  }
}

/** The exit code of a shutdown that could not close everything (the token, the store). */
export const UNCLEAN_SHUTDOWN_EXIT_CODE = 1;
/** How long a closed gateway's process may take to end by itself before it is made to. */
const EXIT_GRACE_MS = 1000;
/** How long the last log lines get to leave before a SIGKILL, which discards pino's buffer. */
const LOG_FLUSH_LIMIT_MS = 1000;
/** The longest from a stop signal to the end of this process (docs/operations.md): 24 s. */
const EXIT_LIMIT_MS = SHUTDOWN_LIMIT_MS + Math.max(EXIT_GRACE_MS, LOG_FLUSH_LIMIT_MS);

/**
 * Ends this process at once, for when the token thread is stuck in a PKCS#11 call: Node joins
 * every thread on exit (process.exit too), so nothing short of a signal ends it. SIGKILL, not
 * SIGABRT: a core dump would hold the PIN. Supervisors count it as a failure and restart.
 */
function killThisProcess(): void {
  process.kill(process.pid, 'SIGKILL');
}

/**
 * Ends the log stream and resolves once every line logged so far has been written, or after
 * LOG_FLUSH_LIMIT_MS. pino writes stdout asynchronously and a SIGKILL would drop what is still
 * queued; its flush() does not wait for that, but ending its stream (sonic-boom) does.
 */
function lastLinesWritten(log: Logger): Promise<void> {
  const stream: unknown = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  return new Promise((resolve) => {
    const limit = setTimeout(resolve, LOG_FLUSH_LIMIT_MS);
    const written = () => {
      clearTimeout(limit);
      resolve();
    };
    if (!(stream instanceof EventEmitter) || !('end' in stream)) return written();
    stream.once('finish', written).once('close', written).once('error', written);
    (stream as EventEmitter & { end(): void }).end();
  });
}

/** Waits for SIGTERM/SIGINT, then drains and closes the gateway; resolves with the exit code. */
export async function waitForShutdown(
  gateway: Gateway,
  signals: Signals,
  log: Logger,
  kill: () => void = killThisProcess,
): Promise<number> {
  const signal = await signals.stopRequested;
  log.info({ signal, limitMs: EXIT_LIMIT_MS }, 'shutting down');
  try {
    await gateway.close();
    return 0;
  } catch (err) {
    const problems = err instanceof ShutdownError ? err.problems : [String(err)];
    if (err instanceof ShutdownError && err.tokenThreadStuck) {
      log.fatal(
        { problems },
        'shutdown: the token thread is stuck in a PKCS#11 call that never returned; the listeners are closed, ending the process with SIGKILL',
      );
      await lastLinesWritten(log);
      kill();
      return UNCLEAN_SHUTDOWN_EXIT_CODE; // Only reached when `kill` is a test's stand-in.
    }
    log.error(
      { problems, code: UNCLEAN_SHUTDOWN_EXIT_CODE },
      'shutdown was not clean; exiting non-zero so that a supervisor starts a fresh process',
    );
    return UNCLEAN_SHUTDOWN_EXIT_CODE;
  }
}

/**
 * Returns `code` for the process to exit with once its event loop is empty, and makes sure it
 * does: a handle left open by a step that gave up (a database pool, a lock-file watcher) would
 * otherwise keep a closed gateway's process alive.
 */
function exitWithin(code: number): number {
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}

/** SIGHUP re-reads the credentials (the gateway also re-reads them when the file changes). */
function reloadOnSighup(signals: Signals, credentials: CredentialStore | null, log: Logger): void {
  signals.onReload(() => {
    if (credentials) reportReload(log, credentials.reload());
    else log.info('SIGHUP: no credentials file to re-read (TLS files are watched)');
  });
}

export async function startConfigured(
  loaded: LoadedConfig,
  signals: Signals,
  log: Logger,
  extra: GatewayOptions = {},
): Promise<Gateway> {
  const { config, pin, credentials, postgresPassword } = loaded;
  const offLoopback = !isLoopback(config.listen.host);
  if (config.auth.mode === 'none' && !extra.unauthenticatedNetwork) {
    assertLoopbackWithoutAuth(config.listen.host);
  }
  const gateway = await startGateway(config, pin, log, { ...extra, credentials, postgresPassword });
  reloadOnSighup(signals, credentials, log);
  if (config.auth.mode === 'none' && offLoopback) {
    log.warn(
      { url: gateway.url },
      'QKMS is listening WITHOUT authentication on a non-loopback address (QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK): whoever reaches this port can use every key',
    );
  } else if (config.auth.mode === 'none') {
    log.warn(
      { url: gateway.url },
      'QKMS is listening WITHOUT authentication (auth.mode none, loopback only)',
    );
  } else {
    if (offLoopback && !config.tls?.certFile) {
      log.warn(
        { url: gateway.url },
        'the API is not on loopback and has no TLS yet: put it behind a TLS terminator',
      );
    }
  }
  return gateway;
}

export async function runServe(loaded: LoadedConfig): Promise<number> {
  const log = createLogger(loaded.config.log.level);
  const signals = catchSignals(log);
  if (cluster.isWorker) {
    return runWorker(loaded, signals, log.child({ worker: cluster.worker?.id }));
  }
  const count = workerCount(loaded.config.workers, availableCores());
  if (count > 1) {
    if (loaded.config.auth.mode === 'none') assertLoopbackWithoutAuth(loaded.config.listen.host);
    return runPrimary(loaded.config, count, signals, log);
  }
  const gateway = await startConfigured(loaded, signals, log);
  log.info({ url: gateway.url, auth: loaded.config.auth.mode }, 'QKMS is serving');
  return exitWithin(await waitForShutdown(gateway, signals, log));
}

/** One of several `qkms serve` processes: serves the API; the primary runs /metrics and /readyz. */
async function runWorker(loaded: LoadedConfig, signals: Signals, log: Logger): Promise<number> {
  try {
    const gateway = await startConfigured(loaded, signals, log, { operationsListener: false });
    const unlink = linkToPrimary(gateway, gateway.url);
    log.info({ url: gateway.url }, 'worker serving');
    const code = await waitForShutdown(gateway, signals, log);
    unlink();
    return exitWithin(code);
  } finally {
    // The IPC channel would keep this process alive after the gateway closed or failed to start.
    // worker.disconnect (not process.disconnect, which exits 0 at once) keeps the exit code.
    cluster.worker?.disconnect();
  }
}
