// Admission control in front of the operations: a cap on requests in flight and optional
// per-principal token buckets, both checked once the request is read and authenticated and
// before any work is done for it. Both refuse with ThrottlingException, which AWS SDKs
// retry with backoff, rather than letting work queue up behind a slow HSM.

import { KmsError } from '../errors/kms-error';

export type ThrottleReason = 'in_flight' | 'rate_limit' | 'session_wait';

const THROTTLED_MESSAGE =
  'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.';

export class Throttled extends KmsError {
  constructor(readonly reason: ThrottleReason) {
    super('ThrottlingException', THROTTLED_MESSAGE);
  }
}

export interface AdmissionOptions {
  readonly maxInFlight: number;
  /** 0 turns per-principal limits off. */
  readonly requestsPerSecond: number;
  /** Bucket size; 0 means one second's worth. */
  readonly burst: number;
  /** Monotonic milliseconds (tests move it). */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Buckets idle this long are forgotten; a forgotten principal starts again with a full bucket. */
const IDLE_FORGET_MS = 60_000;

export class Admission {
  private inFlightCount = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(private readonly options: AdmissionOptions) {
    this.capacity = options.burst > 0 ? options.burst : options.requestsPerSecond;
    this.now = options.now ?? (() => performance.now());
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Takes an in-flight slot or throws; every successful enter() needs one leave(). */
  enter(): void {
    if (this.inFlightCount >= this.options.maxInFlight) throw new Throttled('in_flight');
    this.inFlightCount++;
  }

  leave(): void {
    this.inFlightCount--;
  }

  /** Spends one token of the principal's bucket or throws. */
  charge(principal: string): void {
    const rate = this.options.requestsPerSecond;
    if (rate === 0) return;
    const now = this.now();
    this.forgetIdle(now);
    const bucket = this.buckets.get(principal) ?? { tokens: this.capacity, updated: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.updated) * rate) / 1000);
    bucket.updated = now;
    this.buckets.set(principal, bucket);
    if (bucket.tokens < 1) throw new Throttled('rate_limit');
    bucket.tokens -= 1;
  }

  /** Keeps the map bounded by the principals active in the last minute. */
  private forgetIdle(now: number): void {
    if (now - this.lastSweep < IDLE_FORGET_MS) return;
    this.lastSweep = now;
    for (const [principal, bucket] of this.buckets) {
      if (now - bucket.updated >= IDLE_FORGET_MS) this.buckets.delete(principal);
    }
  }
}
