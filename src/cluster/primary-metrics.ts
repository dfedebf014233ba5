// The cluster primary's own metrics, exposed next to the sum of the workers' (and read by the
// monitoring tests to check that the alerting rules name real series).

import { Counter, Gauge, Registry } from 'prom-client';

/** The primary's own series, next to the workers' sum. */
export function createPrimaryMetrics(serving: () => number): {
  registry: Registry;
  restarts: Counter;
  startRetries: Counter;
} {
  const registry = new Registry();
  const restarts = new Counter({
    name: 'qkms_worker_restarts_total',
    help: 'Workers that died and were replaced.',
    registers: [registry],
  });
  // Apart from restarts: a start-up race is not a crash, and must not feed the restarts alert.
  const startRetries = new Counter({
    name: 'qkms_worker_start_retries_total',
    help: 'Workers started again after failing to start while another worker had the token open.',
    registers: [registry],
  });
  new Gauge({
    name: 'qkms_workers',
    help: 'Worker processes serving the API now.',
    registers: [registry],
    collect() {
      this.set(serving());
    },
  });
  return { registry, restarts, startRetries };
}
