// The operations listener, apart from the API: /metrics (Prometheus text format), /healthz
// (the process answers) and /readyz (the token is open, logged in and answering quickly).
// A plain node:http server: it must keep answering while the HSM or the API is in trouble.

import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface Exposition {
  readonly contentType: string;
  readonly text: string;
}

/** The exposition of one registry (a single process). */
export function expose(registry: Registry): () => Promise<Exposition> {
  return async () => ({ contentType: registry.contentType, text: await registry.metrics() });
}

export interface HealthSources {
  /** The Prometheus text exposition (one process's, or the sum over workers). */
  readonly metrics: () => Promise<Exposition>;
  /** Resolves true when the gateway can serve keys now. */
  readonly ready: () => Promise<boolean>;
}

export function createHealthServer(sources: HealthSources): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return answer(405, 'text/plain', 'GET only\n');
    switch (path) {
      case '/healthz':
        return answer(200, 'text/plain', 'ok\n');
      case '/readyz':
        sources.ready().then(
          (ok) => answer(ok ? 200 : 503, 'text/plain', ok ? 'ready\n' : 'not ready\n'),
          () => answer(503, 'text/plain', 'not ready\n'),
        );
        return;
      case '/metrics':
        sources.metrics().then(
          ({ contentType, text }) => answer(200, contentType, text),
          (err: unknown) => answer(500, 'text/plain', `metrics failed: ${String(err)}\n`),
        );
        return;
      default:
        return answer(404, 'text/plain', 'not found\n');
    }
  });
}
