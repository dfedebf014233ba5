// The worker's side of the cluster channel: it tells the primary when it serves, and answers
// the primary's questions about its metrics and readiness (the primary runs the one operations
// listener and sums what the workers report).

import type { Registry } from 'prom-client';
import { isQuestion, type WorkerMessage } from './messages';

export interface WorkerState {
  readonly registry: Registry;
  readonly ready: () => Promise<boolean>;
}

function send(message: WorkerMessage): void {
  // Without the primary there is nobody to answer (and node:cluster ends a worker whose
  // primary has gone).
  if (process.connected) process.send?.(message);
}

/** Starts answering; returns a function that stops. */
export function linkToPrimary(state: WorkerState, url: string): () => void {
  const answer = (message: unknown) => {
    if (!isQuestion(message)) return;
    const { id } = message;
    if (message.qkms === 'metrics') {
      state.registry.getMetricsAsJSON().then(
        (metrics) => send({ qkms: 'answer', id, metrics }),
        () => send({ qkms: 'answer', id, metrics: [] }),
      );
    } else {
      state.ready().then(
        (ready) => send({ qkms: 'answer', id, ready }),
        () => send({ qkms: 'answer', id, ready: false }),
      );
    }
  };
  process.on('message', answer);
  send({ qkms: 'up', url });
  return () => process.off('message', answer);
}
