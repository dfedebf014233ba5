// Entry point of the token thread (a worker_thread). PKCS#11 lives here so that a hung HSM
// blocks this thread, never the HTTP event loop: requests then end at their deadline instead.

import { parentPort } from 'node:worker_threads';
import { describeFailure } from './token-error';
import { TokenHost } from './token-host';
import { MessageBatch } from './message-batch';
import type { TokenRequest, TokenReply } from './token-api';

const host = new TokenHost();
const port = parentPort;
if (!port) throw new Error('token-thread must run as a worker thread');

const outbox = new MessageBatch<TokenReply>((batch) => port.postMessage(batch));

function handle(request: TokenRequest): void {
  if (Date.now() > request.deadline) {
    // Queued behind a stuck call until its caller gave up: running it now would do work
    // (create a key, sign) that nobody will receive.
    const failure = describeFailure(new Error('QKMS_DEADLINE_PASSED'), request.method);
    outbox.push({ id: request.id, ok: false, failure });
    return;
  }
  const method = host[request.method] as (...args: unknown[]) => Promise<unknown>;
  Promise.resolve()
    .then(() => method.apply(host, request.args))
    .then(
      (value) => outbox.push({ id: request.id, ok: true, value }),
      (err: unknown) =>
        outbox.push({ id: request.id, ok: false, failure: describeFailure(err, request.method) }),
    );
}

port.on('message', (batch: TokenRequest[]) => batch.forEach(handle));
