// QKMS's Prometheus metrics, on a registry of its own (never prom-client's global one). Labels
// come from closed sets only: operation names, KMS exception names, token-thread methods, CKR
// names known to the CKR table. Never a key id, principal or message.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isKnownCkr } from '../pkcs11/ckr-table';
import type { ThrottleReason } from '../http/admission';
import type { TokenStats } from '../pkcs11/token-api';

export interface GatewayMetrics {
  readonly registry: Registry;
  /** One finished API request. */
  request(operation: string, outcome: string, seconds: number): void;
  /** One finished call into the token thread; `ckr` is set when the token refused. */
  tokenCall(method: string, mechanism: string, seconds: number, ckr: string | null): void;
  /** A token signature failed the pairwise check and was withheld. */
  selfVerifyFailure(algorithm: string): void;
  /** A request was answered ThrottlingException. */
  throttled(reason: ThrottleReason): void;
}

export interface MetricSources {
  /**
   * Reads the token thread's state; it must give up quickly (a hung HSM must not hang
   * /metrics), and a failure reads as "not logged in".
   */
  readonly tokenStats: () => Promise<TokenStats>;
  /** Requests being handled now. */
  readonly inFlight: () => number;
  readonly version: string;
}

const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export function createMetrics({ tokenStats, inFlight, version }: MetricSources): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'qkms_' });
  const requests = new Counter({
    name: 'qkms_requests_total',
    help: 'API requests by operation and outcome (success or the KMS exception name).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'qkms_request_duration_seconds',
    help: 'Time from the request arriving to the answer being sent, by operation.',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tokenCalls = new Histogram({
    name: 'qkms_pkcs11_call_duration_seconds',
    help: 'Duration of calls into the PKCS#11 token thread, by function and (for sign and verify) CKM mechanism.',
    labelNames: ['function', 'mechanism'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const ckrErrors = new Counter({
    name: 'qkms_pkcs11_errors_total',
    help: 'PKCS#11 failures by CKR name (QKMS_* for failures on the PKCS#11 side that are not CKR values).',
    labelNames: ['ckr'] as const,
    registers: [registry],
  });
  const selfVerifyFailures = new Counter({
    name: 'qkms_self_verify_failures_total',
    help: 'Token signatures that failed the pairwise check against the public key and were withheld.',
    labelNames: ['algorithm'] as const,
    registers: [registry],
  });
  const throttled = new Counter({
    name: 'qkms_throttled_requests_total',
    help: 'Requests answered ThrottlingException, by reason: in_flight (max in-flight reached), rate_limit (per-principal limit), session_wait (no token session became free in time).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of ['in_flight', 'rate_limit', 'session_wait'] as const)
    throttled.inc({ reason }, 0);
  new Gauge({
    name: 'qkms_inflight_requests',
    help: 'API requests being handled now.',
    registers: [registry],
    collect() {
      this.set(inFlight());
    },
  });
  // One read of the token's state serves every series of a scrape.
  let scrape: Promise<TokenStats | null> | null = null;
  const stats = (): Promise<TokenStats | null> => {
    scrape ??= tokenStats()
      .catch(() => null) // the token thread did not answer in time
      .finally(() => setImmediate(() => (scrape = null)));
    return scrape;
  };
  let reconnectsSeen = 0;
  new Counter({
    name: 'qkms_hsm_reconnects_total',
    help: 'Times the PKCS#11 module was re-initialised and logged in again after a device-level fault.',
    registers: [registry],
    async collect() {
      const now = await stats();
      // The token thread counts; the counter follows it.
      if (now && now.reconnects > reconnectsSeen) {
        this.inc(now.reconnects - reconnectsSeen);
        reconnectsSeen = now.reconnects;
      }
    },
  });
  new Gauge({
    name: 'qkms_token_logged_in',
    help: '1 while the token is open, logged in and answering, else 0 (with several workers: in every worker).',
    registers: [registry],
    aggregator: 'min',
    async collect() {
      this.set((await stats())?.loggedIn ? 1 : 0);
    },
  });
  new Gauge({
    name: 'qkms_session_pool_sessions',
    help: 'PKCS#11 sessions by state: open (total), in_use, and callers waiting for one.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const now = await stats();
      this.set({ state: 'open' }, now?.sessions ?? 0);
      this.set({ state: 'in_use' }, now?.inUse ?? 0);
      this.set({ state: 'waiting' }, now?.waiting ?? 0);
    },
  });
  const buildInfo = new Gauge({
    name: 'qkms_build_info',
    help: 'Always 1; the labels say which QKMS and Node.js run.',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
    aggregator: 'first',
  });
  buildInfo.set({ version, node: process.version }, 1);
  return {
    registry,
    request(operation, outcome, seconds) {
      requests.inc({ operation, outcome });
      duration.observe({ operation }, seconds);
    },
    throttled(reason) {
      throttled.inc({ reason });
    },
    selfVerifyFailure(algorithm) {
      selfVerifyFailures.inc({ algorithm });
    },
    tokenCall(method, mechanism, seconds, ckr) {
      tokenCalls.observe({ function: method, mechanism }, seconds);
      if (ckr) ckrErrors.inc({ ckr: isKnownCkr(ckr) ? ckr : 'OTHER' });
    },
  };
}
