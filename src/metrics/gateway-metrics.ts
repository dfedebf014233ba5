// QKMS's Prometheus metrics, on a registry of its own (never prom-client's global one). Labels
// come from closed sets only: operation names, KMS exception names, token-thread methods, CKR
// names known to the CKR table. Never a key id, principal or message.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isKnownCkr } from '../pkcs11/ckr-table';
import type { TokenApi } from '../pkcs11/token-api';

export interface GatewayMetrics {
  readonly registry: Registry;
  /** One finished API request. */
  request(operation: string, outcome: string, seconds: number): void;
  /** One finished call into the token thread; `ckr` is set when the token refused. */
  tokenCall(method: string, seconds: number, ckr: string | null): void;
  /** A token signature failed the pairwise check and was withheld. */
  selfVerifyFailure(algorithm: string): void;
}

const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export function createMetrics(token: TokenApi, version: string): GatewayMetrics {
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
    help: 'Duration of calls into the PKCS#11 token thread, by function.',
    labelNames: ['function'] as const,
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
    help: 'Requests answered ThrottlingException because no token session became free in time.',
    registers: [registry],
  });
  const loggedIn = new Gauge({
    name: 'qkms_token_logged_in',
    help: '1 while the token is open and logged in, else 0.',
    registers: [registry],
  });
  new Gauge({
    name: 'qkms_session_pool_sessions',
    help: 'PKCS#11 sessions by state: open (total), in_use, and callers waiting for one.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const stats = await token.stats();
        this.set({ state: 'open' }, stats.sessions);
        this.set({ state: 'in_use' }, stats.inUse);
        this.set({ state: 'waiting' }, stats.waiting);
        loggedIn.set(stats.loggedIn ? 1 : 0);
      } catch {
        loggedIn.set(0); // the token thread did not answer
      }
    },
  });
  const buildInfo = new Gauge({
    name: 'qkms_build_info',
    help: 'Always 1; the labels say which QKMS and Node.js run.',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  });
  buildInfo.set({ version, node: process.version }, 1);
  return {
    registry,
    request(operation, outcome, seconds) {
      requests.inc({ operation, outcome });
      duration.observe({ operation }, seconds);
      if (outcome === 'ThrottlingException') throttled.inc();
    },
    selfVerifyFailure(algorithm) {
      selfVerifyFailures.inc({ algorithm });
    },
    tokenCall(method, seconds, ckr) {
      tokenCalls.observe({ function: method }, seconds);
      if (ckr) ckrErrors.inc({ ckr: isKnownCkr(ckr) ? ckr : 'OTHER' });
    },
  };
}
