// `qkms serve`: start the gateway and run until SIGTERM/SIGINT, then drain and exit 0.
// SIGHUP re-reads the credentials file (it is also re-read when it changes). With `workers`
// above 1 this process becomes the cluster primary (src/cluster/primary.ts) and each worker
// runs the gateway.

import cluster from 'node:cluster';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { runPrimary, workerCount } from '../cluster/primary';
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

export function waitForShutdown(gateway: Gateway, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      gateway.close().then(
        () => resolve(0),
        (err: unknown) => {
          log.error({ err: String(err) }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/**
 * SIGHUP re-reads the credentials (the gateway also re-reads them when the file changes). With
 * nothing to re-read it is still caught: its default action would end the process.
 */
export function reloadOnSighup(credentials: CredentialStore | null, log: Logger): void {
  process.on('SIGHUP', () => {
    if (credentials) reportReload(log, credentials.reload());
    else log.info('SIGHUP: no credentials file to re-read (TLS files are watched)');
  });
}

export async function startConfigured(
  loaded: LoadedConfig,
  log: Logger,
  extra: GatewayOptions = {},
): Promise<Gateway> {
  const { config, pin, credentials } = loaded;
  if (config.auth.mode === 'none') assertLoopbackWithoutAuth(config.listen.host);
  const gateway = await startGateway(config, pin, log, { ...extra, credentials });
  reloadOnSighup(credentials, log);
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
  if (cluster.isWorker) return runWorker(loaded, log.child({ worker: cluster.worker?.id }));
  const count = workerCount(loaded.config.workers, availableParallelism());
  if (count > 1) {
    if (loaded.config.auth.mode === 'none') assertLoopbackWithoutAuth(loaded.config.listen.host);
    return runPrimary(loaded.config, count, log);
  }
  const gateway = await startConfigured(loaded, log);
  log.info({ url: gateway.url, auth: loaded.config.auth.mode }, 'QKMS is serving');
  return waitForShutdown(gateway, log);
}

/** One of several `qkms serve` processes: serves the API; the primary runs /metrics and /readyz. */
async function runWorker(loaded: LoadedConfig, log: Logger): Promise<number> {
  try {
    const gateway = await startConfigured(loaded, log, { operationsListener: false });
    const unlink = linkToPrimary(gateway, gateway.url);
    log.info({ url: gateway.url }, 'worker serving');
    const code = await waitForShutdown(gateway, log);
    unlink();
    return code;
  } finally {
    // The IPC channel would keep this process alive after the gateway closed or failed to start.
    // worker.disconnect (not process.disconnect, which exits 0 at once) keeps the exit code.
    cluster.worker?.disconnect();
  }
}
