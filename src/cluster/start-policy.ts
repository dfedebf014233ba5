// What the cluster primary does when a worker ends, and how fast it starts workers. Pure
// decisions, kept apart from the process handling in primary.ts so that they read as a table.
//
// Why a start-up failure of a later worker is retried by starting a fresh process (and not
// inside the worker's token thread): the fault seen in the field is SoftHSM's file store read
// while another process was rewriting it. SoftHSM enumerates its tokens once, in C_Initialize,
// and drops a token it cannot read for the life of that PKCS#11 context, so asking the slot list
// again in the same context cannot succeed; a fresh process gets a fresh context, and also
// retries every other start-up step that touches the token (the self-test, the key load).

import { EXIT } from '../cli/exit-codes';

/** At most this many workers are starting (opening the token) at once. The field fault showed
 * at 16 concurrent opens and not at 8; four keeps the contention low and costs little time,
 * since a worker's start-up is mostly Node's own and the token work is short. */
export const START_WAVE = 4;
/** Starts per worker slot, the first included, before a start-up is judged not transient. */
export const MAX_START_ATTEMPTS = 6;
const FIRST_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8000;

/**
 * The wait before the next start of a worker that failed `failed` times: exponential from 0.5 s,
 * capped at 8 s, with equal jitter (half fixed, half random) so that workers that failed
 * together do not collide again. Five retries wait at most 15.5 s in all.
 */
export function startRetryDelayMs(failed: number, random: () => number = Math.random): number {
  const ceiling = Math.min(FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, failed - 1), MAX_RETRY_DELAY_MS);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Start-up codes a replacement would only repeat (the PIN was refused, never retried). */
const FATAL_EXIT_CODES = new Set<number>([EXIT.pinRefused]);

export interface WorkerExit {
  /** The exit code; a worker ended by a signal counts as 1. */
  readonly code: number;
  /** Whether this worker had said it serves. */
  readonly served: boolean;
  /** Whether any worker has served: the token, the PIN and the configuration are then known good. */
  readonly proven: boolean;
  /** Whether every worker has served at once (the gateway finished starting). */
  readonly allStarted: boolean;
  /** Starts of this worker's slot since it last served, the one that just ended included. */
  readonly attempts: number;
}

export type ExitVerdict =
  /** A replacement would repeat the failure: stop every worker and exit with its code. */
  | { readonly action: 'stop'; readonly reason: 'exit-code' | 'first-worker' | 'attempts' }
  /** A transient start-up fault: start this slot again after startRetryDelayMs. */
  | { readonly action: 'retry' }
  /** A worker died (or its replacement could not start): replace it with the restart backoff. */
  | { readonly action: 'replace' };

export function judgeExit(exit: WorkerExit): ExitVerdict {
  if (FATAL_EXIT_CODES.has(exit.code)) return { action: 'stop', reason: 'exit-code' };
  if (exit.served || exit.allStarted) return { action: 'replace' };
  // The first worker is alone with the token: its failure is the configuration's, not a race.
  if (!exit.proven) return { action: 'stop', reason: 'first-worker' };
  if (exit.attempts >= MAX_START_ATTEMPTS) return { action: 'stop', reason: 'attempts' };
  return { action: 'retry' };
}
