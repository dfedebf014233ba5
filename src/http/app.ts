// The Express application: the KMS endpoint on POST /, plus a liveness probe. Express is kept
// for routing and for users who extend the app; the KMS route itself is one plain handler.

import express, { type Express } from 'express';
import { KmsError } from '../errors/kms-error';
import { kmsHandler, type KmsHandlerOptions } from './kms-handler';
import { sendJson } from './wire';
import { randomUUID } from 'node:crypto';

export function createApp(options: KmsHandlerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const handle = kmsHandler(options);
  app.post('/', (req, res) => void handle(req, res));
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
