// The API listener: plain HTTP, or HTTPS (TLS 1.2+) with optional client certificates. The
// certificate and key are re-read when their files change, so renewals need no restart. Slow
// clients are cut off here (http.requestTimeoutMs).

import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import {
  createServer as createHttpServer,
  type RequestListener,
  type Server,
  type ServerOptions,
} from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { QkmsConfig } from '../config/schema';
import type { Logger } from '../log/logger';

export interface Listener {
  readonly server: Server | HttpsServer;
  readonly scheme: 'http' | 'https';
  stopWatching(): void;
}

function secureContext(tls: NonNullable<QkmsConfig['tls']>): SecureContextOptions {
  return {
    cert: readFileSync(tls.certFile as string),
    key: readFileSync(tls.keyFile as string),
    ...(tls.clientCaFile ? { ca: readFileSync(tls.clientCaFile) } : {}),
  };
}

/** The longest Node may wait between two checks of the request timeouts. */
const MAX_CHECK_INTERVAL_MS = 1000;

/**
 * A client has http.requestTimeoutMs to send its whole request and a third of it for the
 * headers; past either it gets 408 and is disconnected. Node checks these limits only every
 * `connectionsCheckingInterval` (30 s by default), which let slow clients stay up to 30 s past
 * them; checking every tenth of the headers limit (at most every second) keeps the overshoot
 * within that.
 */
export function requestTimeouts(requestTimeoutMs: number): ServerOptions {
  const headersTimeout = Math.ceil(requestTimeoutMs / 3);
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout,
    connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, Math.ceil(headersTimeout / 10)),
  };
}

export function createListener(config: QkmsConfig, app: RequestListener, log: Logger): Listener {
  const tls = config.tls;
  const timeouts = requestTimeouts(config.http.requestTimeoutMs);
  if (!tls?.certFile) {
    return {
      server: createHttpServer(timeouts, app),
      scheme: 'http',
      stopWatching: () => undefined,
    };
  }
  const server = createHttpsServer(
    {
      ...timeouts,
      ...secureContext(tls),
      minVersion: 'TLSv1.2',
      requestCert: Boolean(tls.clientCaFile),
      rejectUnauthorized: Boolean(tls.clientCaFile),
    },
    app,
  );
  const files = [tls.certFile, tls.keyFile, tls.clientCaFile].filter((f): f is string =>
    Boolean(f),
  );
  const reload = () => {
    try {
      server.setSecureContext(secureContext(tls));
      log.info({ files }, 'TLS certificate reloaded');
    } catch (err) {
      // A renewal caught half-written: keep serving with the certificate in use.
      log.error(
        { err: String(err) },
        'TLS certificate NOT reloaded; the previous one stays in use',
      );
    }
  };
  for (const file of files) watchFile(file, { interval: 1000, persistent: false }, reload);
  return {
    server,
    scheme: 'https',
    stopWatching: () => files.forEach((f) => unwatchFile(f, reload)),
  };
}
