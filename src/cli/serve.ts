// `qkms serve`: start the gateway and run until SIGTERM/SIGINT, then drain and exit 0.
// SIGHUP re-reads the credentials file (it is also re-read when it changes). With `workers`
// above 1 this process becomes the cluster primary (src/cluster/primary.ts) and each worker
// runs the gateway.

import cluster from 'node:cluster';
import { isIP } from 'node:net';
import { availableCores, runPrimary, workerCount } from '../cluster/primary';
import { catchSignals, type Signals } from './signals';
import { linkToPrimary } from '../cluster/worker-link';
import type { CredentialStore } from '../auth/credential-store';
import type { LoadedConfig } from '../config/load';
import { ConfigError } from '../config/load';
import { reportReload, startGateway, type Gateway, type GatewayOptions } from '../gateway';
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

/** Waits for SIGTERM/SIGINT, then drains and closes the gateway; resolves with the exit code. */
export async function waitForShutdown(
  gateway: Gateway,
  signals: Signals,
  log: Logger,
): Promise<number> {
  const signal = await signals.stopRequested;
  log.info({ signal }, 'shutting down');
  try {
    await gateway.close();
    return 0;
  } catch (err) {
    log.error({ err: String(err) }, 'shutdown failed');
    return 1;
  }
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
  if (config.auth.mode === 'none') assertLoopbackWithoutAuth(config.listen.host);
  const gateway = await startGateway(config, pin, log, { ...extra, credentials, postgresPassword });
  reloadOnSighup(signals, credentials, log);
  if (config.auth.mode === 'none') {
    log.warn(
      { url: gateway.url },
      'QKMS is listening WITHOUT authentication (auth.mode none, loopback only)',
    );
  } else {
    if (!isLoopback(config.listen.host) && !config.tls?.certFile) {
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
  return waitForShutdown(gateway, signals, log);
}

/** One of several `qkms serve` processes: serves the API; the primary runs /metrics and /readyz. */
async function runWorker(loaded: LoadedConfig, signals: Signals, log: Logger): Promise<number> {
  try {
    const gateway = await startConfigured(loaded, signals, log, { operationsListener: false });
    const unlink = linkToPrimary(gateway, gateway.url);
    log.info({ url: gateway.url }, 'worker serving');
    const code = await waitForShutdown(gateway, signals, log);
    unlink();
    return code;
  } finally {
    // The IPC channel would keep this process alive after the gateway closed or failed to start.
    // worker.disconnect (not process.disconnect, which exits 0 at once) keeps the exit code.
    cluster.worker?.disconnect();
  }
}
