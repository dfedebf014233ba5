// The API listener: plain HTTP, or HTTPS (TLS 1.2+) with optional client certificates. The
// certificate and key are re-read when their files change, so renewals need no restart.

import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
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

export function createListener(config: QkmsConfig, app: RequestListener, log: Logger): Listener {
  const tls = config.tls;
  if (!tls?.certFile) {
    return { server: createHttpServer(app), scheme: 'http', stopWatching: () => undefined };
  }
  const server = createHttpsServer(
    {
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
