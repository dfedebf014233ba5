// `qkms serve`: start the gateway and run until SIGTERM/SIGINT, then drain and exit 0.

import { isIP } from 'node:net';
import type { LoadedConfig } from '../config/load';
import { ConfigError } from '../config/load';
import { startGateway, type Gateway } from '../gateway';
import { createLogger, type Logger } from '../log/logger';

/** Until SigV4 authentication exists, the API may only be reachable from this machine. */
export function assertLoopback(host: string): void {
  const loopback =
    host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
  if (!loopback) {
    throw new ConfigError([
      `listen.host ${host} is not a loopback address: this version of QKMS has no authentication yet and serves loopback only`,
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

export async function runServe({ config, pin }: LoadedConfig): Promise<number> {
  assertLoopback(config.listen.host);
  const log = createLogger(config.log.level);
  const gateway = await startGateway(config, pin, log);
  log.warn({ url: gateway.url }, 'QKMS is listening WITHOUT authentication (loopback only)');
  return waitForShutdown(gateway, log);
}
