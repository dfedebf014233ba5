// The primary process of `qkms serve` with several workers. It never opens the token: it forks
// the workers (each opens its own PKCS#11 context and shares the API port through node:cluster),
// replaces a worker that dies, runs the one operations listener (/metrics summed over workers,
// /readyz true when every worker is ready), forwards SIGHUP, and on SIGTERM stops the workers
// (each drains its requests) before it exits.

import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Registry,
  type PrometheusContentType,
} from 'prom-client';
import type { QkmsConfig } from '../config/schema';
import { createHealthServer, type Exposition } from '../http/health-listener';
import type { Signals } from '../cli/signals';
import type { Logger } from '../log/logger';
import { isWorkerMessage, type MetricsJson, type WorkerMessage } from './messages';

/** Start-up codes a replacement would only repeat (78: the PIN was refused, never retried). */
const FATAL_EXIT_CODES = new Set([78]);
/** Longer than a worker's own 1 s bound on reading its token state, so a slow token does not
 * drop a worker's counters out of the sum (Prometheus would read that as a counter reset). */
const ASK_TIMEOUT_MS = 2500;
/** A worker drains for up to 10 s and closes its token within 10 s more. */
const STOP_LIMIT_MS = 25_000;
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that served this long before dying resets the restart backoff. */
const STABLE_MS = 60_000;

/** The primary's own series, next to the workers' sum. */
export function createPrimaryMetrics(serving: () => number): {
  registry: Registry;
  restarts: Counter;
} {
  const registry = new Registry();
  const restarts = new Counter({
    name: 'qkms_worker_restarts_total',
    help: 'Workers that died and were replaced.',
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
  return { registry, restarts };
}

interface Asked {
  readonly resolve: (message: WorkerMessage) => void;
}

export class Primary {
  private readonly workers = new Set<Worker>();
  /** Workers serving now, and since when. */
  private readonly serving = new Map<Worker, number>();
  private readonly asked = new Map<number, Asked>();
  private nextId = 1;
  private stopping = false;
  private everServed = false;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;
  private readonly registry: Registry;
  private readonly restarts: Counter;
  private exitCode = 0;

  constructor(
    private readonly count: number,
    private readonly log: Logger,
  ) {
    ({ registry: this.registry, restarts: this.restarts } = createPrimaryMetrics(
      () => this.serving.size,
    ));
  }

  /**
   * Forks one worker, and the others once it serves: a wrong PIN is then tried once, not once
   * per worker (HSMs lock the PIN after a few failures). Resolves once all serve, or rejects
   * with the first start-up failure.
   */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onStarted = (err) => (err ? reject(err) : resolve());
      this.fork();
    });
  }

  private onStarted: ((err?: Error & { exitCode?: number }) => void) | null = null;

  private fork(): void {
    const worker = cluster.fork();
    this.workers.add(worker);
    worker.on('message', (message: unknown) => this.heard(worker, message));
    worker.on('exit', (code, signal) => this.exited(worker, code, signal));
    // An IPC failure (the worker died mid-send) must not become an uncaught exception here.
    worker.on('error', (err) =>
      this.log.warn({ worker: worker.id, err: String(err) }, 'worker channel'),
    );
  }

  private heard(worker: Worker, message: unknown): void {
    if (!isWorkerMessage(message)) return;
    if (message.qkms === 'answer') {
      this.asked.get(message.id)?.resolve(message);
      return;
    }
    const first = this.serving.size === 0 && !this.everServed;
    this.serving.set(worker, Date.now());
    if (first) for (let i = 1; i < this.count; i++) this.fork();
    if (!this.everServed && this.serving.size === this.count) {
      this.everServed = true;
      this.log.info({ url: message.url, workers: this.count }, 'QKMS is serving');
      this.onStarted?.();
      this.onStarted = null;
    }
  }

  private exited(worker: Worker, code: number | null, signal: string | null): void {
    const servedSince = this.serving.get(worker);
    this.workers.delete(worker);
    this.serving.delete(worker);
    if (this.stopping) return;
    const exitCode = code ?? 1;
    if (!this.everServed || FATAL_EXIT_CODES.has(exitCode)) {
      // A start-up failure would repeat in every replacement: stop and say so.
      this.log.error({ worker: worker.id, code, signal }, 'a worker could not start; stopping');
      const failure = Object.assign(new Error(`a worker exited with code ${exitCode}`), {
        exitCode,
      });
      this.exitCode = exitCode;
      void this.stop().then(() => {
        this.onStarted?.(failure);
        this.onStarted = null;
        this.onFatal?.(exitCode);
      });
      return;
    }
    this.restarts.inc();
    // Only a worker that ran steadily resets the backoff: one that dies soon after serving (a
    // poison request, a failing HSM library) must not be re-forked every second.
    if (servedSince !== undefined && Date.now() - servedSince >= STABLE_MS) {
      this.restartDelayMs = FIRST_RESTART_DELAY_MS;
    }
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    this.log.error({ worker: worker.id, code, signal, restartInMs: delay }, 'worker died');
    setTimeout(() => {
      if (!this.stopping) this.fork();
    }, delay).unref();
  }

  /** Called when the gateway must stop by itself (a worker cannot start). */
  onFatal: ((code: number) => void) | null = null;

  /** Asks every serving worker; workers that do not answer in time are left out. */
  private async askAll(qkms: 'metrics' | 'ready'): Promise<(WorkerMessage | null)[]> {
    return Promise.all(
      [...this.serving.keys()].map(
        (worker) =>
          new Promise<WorkerMessage | null>((resolve) => {
            const id = this.nextId++;
            const timer = setTimeout(() => {
              this.asked.delete(id);
              resolve(null);
            }, ASK_TIMEOUT_MS);
            this.asked.set(id, {
              resolve: (message) => {
                clearTimeout(timer);
                this.asked.delete(id);
                resolve(message);
              },
            });
            if (!worker.isConnected()) return;
            // A failed send (the worker just died) leaves the timer to answer null.
            worker.send({ qkms, id }, (err: Error | null) => {
              if (err) this.log.debug({ worker: worker.id, err: String(err) }, 'ask failed');
            });
          }),
      ),
    );
  }

  /** The sum over workers, plus the primary's own series. */
  async metrics(): Promise<Exposition> {
    const answers = await this.askAll('metrics');
    const perWorker = answers.flatMap((a) =>
      a && a.qkms === 'answer' && 'metrics' in a ? [a.metrics as MetricsJson] : [],
    );
    const summed = AggregatorRegistry.aggregate<PrometheusContentType>(perWorker);
    const all = Registry.merge([summed, this.registry]);
    return { contentType: all.contentType, text: await all.metrics() };
  }

  /** Ready when every worker serves and says it is ready. */
  async ready(): Promise<boolean> {
    if (this.stopping || this.serving.size < this.count) return false;
    const answers = await this.askAll('ready');
    return answers.every((a) => a !== null && a.qkms === 'answer' && 'ready' in a && a.ready);
  }

  /** Forwards a signal (SIGHUP: reload credentials and certificates) to every worker. */
  signalWorkers(signal: NodeJS.Signals): void {
    for (const worker of this.workers) worker.process.kill(signal);
  }

  /** SIGTERM to every worker, which drains and exits; SIGKILL for any still there after a bound. */
  async stop(): Promise<number> {
    this.stopping = true;
    const exits = [...this.workers].map(
      (worker) =>
        new Promise<number>((resolve) => {
          if (worker.isDead()) return resolve(worker.process.exitCode ?? 1);
          worker.once('exit', (code) => resolve(code ?? 1));
          worker.process.kill('SIGTERM');
        }),
    );
    const killer = setTimeout(() => this.signalWorkers('SIGKILL'), STOP_LIMIT_MS);
    const codes = await Promise.all(exits);
    clearTimeout(killer);
    return this.exitCode || codes.find((code) => code !== 0) || 0;
  }
}

/** How many workers `workers: auto|N` means on this machine. */
export function workerCount(setting: QkmsConfig['workers'], cores: number): number {
  return setting === 'auto' ? Math.max(1, cores) : setting;
}

/**
 * The cores this process may use: the CPU count, lowered by a cgroup v2 CPU quota (a container
 * limit), which Node 20's availableParallelism() does not see.
 */
export function availableCores(
  readQuota: () => string | null = () => {
    try {
      return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8');
    } catch {
      return null;
    }
  },
): number {
  const cpus = availableParallelism();
  const [quota, period] = (readQuota() ?? 'max').trim().split(/\s+/);
  if (quota === undefined || quota === 'max' || !period) return cpus;
  const limit = Math.ceil(Number(quota) / Number(period));
  return Number.isFinite(limit) && limit >= 1 ? Math.min(cpus, limit) : cpus;
}

/** Runs the primary until SIGTERM/SIGINT; resolves with the process exit code. */
export async function runPrimary(
  config: QkmsConfig,
  count: number,
  signals: Signals,
  log: Logger,
): Promise<number> {
  const primary = new Primary(count, log);
  const health = createHealthServer({
    metrics: () => primary.metrics(),
    ready: () => primary.ready(),
  });
  await new Promise<void>((resolve, reject) => {
    health.once('error', reject);
    health.listen(config.metrics.port, config.metrics.host, () => resolve());
  });
  const closeHealth = () => new Promise<void>((resolve) => health.close(() => resolve()));
  // Workers catch SIGHUP from their first moment, so it can be forwarded at any time.
  signals.onReload(() => primary.signalWorkers('SIGHUP'));
  const fatal = new Promise<number>((resolve) => (primary.onFatal = resolve));
  try {
    await primary.start();
  } catch (err) {
    await closeHealth();
    return (err as { exitCode?: number }).exitCode ?? 1;
  }
  const code = await Promise.race([
    fatal,
    signals.stopRequested.then((signal) => {
      log.info({ signal }, 'shutting down the workers');
      return primary.stop();
    }),
  ]);
  await closeHealth();
  return code;
}
