// Entry point of the token thread (a worker_thread). PKCS#11 lives here so that a hung HSM
// blocks this thread, never the HTTP event loop: requests then end at their deadline instead.

import { parentPort } from 'node:worker_threads';
import { describeFailure } from './token-error';
import { TokenHost } from './token-host';
import { MessageBatch } from './message-batch';
import type { TokenMethod, TokenRequest, TokenReply } from './token-api';

const host = new TokenHost();
const port = parentPort;
if (!port) throw new Error('token-thread must run as a worker thread');

const outbox = new MessageBatch<TokenReply>((batch) => port.postMessage(batch));

/**
 * What a call created, undone when it finished after its caller gave up: the caller has
 * answered its client with an error, so the object must not exist (a key without metadata, or
 * a metadata write the client was told failed).
 */
const UNDO_IF_LATE: Partial<
  Record<TokenMethod, (args: unknown[], value: unknown) => Promise<void>>
> = {
  generateKeyPair: (args) => host.destroyKey({ idHex: args[1] as string }),
  generateSecretKey: (args) => host.destroyKey({ idHex: args[1] as string }),
  createData: (_args, handle) => host.destroyData([handle as string]),
};

/**
 * A result this close to its deadline may reach the caller after it gave up; such a call is
 * undone and answered as late, so that "succeeded" always means the caller heard so.
 */
const GUARD_MS = 50;

function late(request: TokenRequest, value: unknown): Promise<TokenReply> {
  const failure = describeFailure(new Error('QKMS_DEADLINE_PASSED'), request.method);
  const undo = UNDO_IF_LATE[request.method];
  return (undo ? undo(request.args, value) : Promise.resolve()).then(
    () => ({ id: request.id, ok: false, failure }),
    () => ({ id: request.id, ok: false, failure }),
  );
}

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
      (value) =>
        Date.now() > request.deadline - GUARD_MS && UNDO_IF_LATE[request.method]
          ? late(request, value)
          : ({ id: request.id, ok: true, value } as const),
      (err: unknown) => ({
        id: request.id,
        ok: false as const,
        failure: describeFailure(err, request.method),
      }),
    )
    .then((reply) => outbox.push(reply));
}

port.on('message', (batch: TokenRequest[]) => batch.forEach(handle));
