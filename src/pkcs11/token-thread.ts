// Entry point of the token thread (a worker_thread). PKCS#11 lives here so that a hung HSM
// blocks this thread, never the HTTP event loop: requests then end at their deadline instead.

import { parentPort } from 'node:worker_threads';
import { describeFailure } from './token-error';
import { TokenHost } from './token-host';
import type { TokenRequest, TokenReply } from './token-api';

const host = new TokenHost();
const port = parentPort;
if (!port) throw new Error('token-thread must run as a worker thread');

port.on('message', (request: TokenRequest) => {
  if (Date.now() > request.deadline) {
    // Queued behind a stuck call until its caller gave up: running it now would do work
    // (create a key, sign) that nobody will receive.
    const failure = describeFailure(new Error('QKMS_DEADLINE_PASSED'), request.method);
    port.postMessage({ id: request.id, ok: false, failure } satisfies TokenReply);
    return;
  }
  const method = host[request.method] as (...args: unknown[]) => Promise<unknown>;
  Promise.resolve()
    .then(() => method.apply(host, request.args))
    .then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies TokenReply),
      (err: unknown) =>
        port.postMessage({
          id: request.id,
          ok: false,
          failure: describeFailure(err, request.method),
        } satisfies TokenReply),
    );
});
