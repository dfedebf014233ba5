// The HTTP request listener: the KMS endpoint on POST /, and an Express application for
// everything else (the liveness probe and a JSON 404). KMS calls go straight to the plain
// handler, so signing pays for no router or middleware. With http.cors.allowedOrigins set,
// cors.ts answers preflights and marks the answers of listed origins first.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import { randomUUID } from 'node:crypto';
import { KmsError } from '../errors/kms-error';
import { corsPolicy } from './cors';
import { kmsHandler, type KmsHandlerOptions } from './kms-handler';
import { sendJson } from './wire';

export function createApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  // Anything else: the JSON protocol has no other paths.
  app.use((_req, res) => {
    const err = new KmsError(
      'UnknownOperationException',
      'The requested operation is not recognized.',
    );
    sendJson(res, err.status, JSON.stringify(err), randomUUID(), err.name);
  });
  return app;
}

/** Whether a request is a KMS call: the JSON protocol posts every operation to the root path. */
const isKmsCall = (req: IncomingMessage): boolean =>
  req.method === 'POST' && (req.url === '/' || req.url?.startsWith('/?') === true);

export interface RequestListenerOptions extends KmsHandlerOptions {
  /** Origins whose pages may call the API (http.cors.allowedOrigins); none: no CORS at all. */
  readonly allowedOrigins?: readonly string[];
}

export function createRequestListener(options: RequestListenerOptions): RequestListener {
  const app = createApp();
  const handle = kmsHandler(options);
  const cors =
    options.allowedOrigins && options.allowedOrigins.length > 0
      ? corsPolicy(options.allowedOrigins)
      : null;
  return (req: IncomingMessage, res: ServerResponse) => {
    // A preflight is answered here, before authentication: browsers never sign one.
    if (cors?.(req, res)) return;
    // handle() answers every failure itself; this catch is the last resort that keeps an
    // unexpected throw from ending the process or leaving the client waiting.
    if (isKmsCall(req)) handle(req, res).catch(() => res.destroy());
    else app(req, res);
  };
}
