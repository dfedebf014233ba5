// What the primary and the workers of `qkms serve` say to each other over the cluster's IPC
// channel. Plain JSON; every message carries `qkms` so other IPC traffic is ignored.

import type { Registry } from 'prom-client';

/** One process's metrics, as prom-client's aggregator takes them. */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Primary → worker: a question with an id the answer repeats. */
export interface Question {
  readonly qkms: 'metrics' | 'ready';
  readonly id: number;
}

/** Worker → primary. */
export type WorkerMessage =
  | { readonly qkms: 'up'; readonly url: string }
  | { readonly qkms: 'answer'; readonly id: number; readonly metrics: MetricsJson }
  | { readonly qkms: 'answer'; readonly id: number; readonly ready: boolean };

export function isQuestion(message: unknown): message is Question {
  const m = message as Partial<Question> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    (m.qkms === 'metrics' || m.qkms === 'ready') &&
    typeof m.id === 'number'
  );
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const m = message as { qkms?: unknown } | null;
  return typeof m === 'object' && m !== null && (m.qkms === 'up' || m.qkms === 'answer');
}
