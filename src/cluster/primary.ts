// The primary process of `qkms serve` with several workers. It never opens the token: it forks
// the workers (each opens its own PKCS#11 context and shares the API port through node:cluster),
// a few at a time, starts again one that failed to start, replaces a worker that dies, runs the
// one operations listener (/metrics summed over workers, /readyz true when every worker is
// ready), forwards SIGHUP, and on SIGTERM stops the workers (each drains its requests) before it
// exits. What to do when a worker ends is decided in start-policy.ts.

import cluster, { type Worker } from 'node:cluster';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import {
  AggregatorRegistry,
  type Counter,
  Registry,
  type PrometheusContentType,
} from 'prom-client';
import type { QkmsConfig } from '../config/schema';
import { createHealthServer, type Exposition } from '../http/health-listener';
import type { Signals } from '../cli/signals';
import type { Logger } from '../log/logger';
import { isWorkerMessage, type MetricsJson, type WorkerMessage } from './messages';
import { createPrimaryMetrics } from './primary-metrics';
import {
  judgeExit,
  MAX_START_ATTEMPTS,
  START_WAVE,
  startRetryDelayMs,
  type ExitVerdict,
} from './start-policy';

/** Longer than a worker's own 1 s bound on reading its token state, so a slow token does not
 * drop a worker's counters out of the sum (Prometheus would read that as a counter reset). */
const ASK_TIMEOUT_MS = 2500;
/** A worker ends within 24 s of SIGTERM whatever its HSM does (gateway.ts SHUTDOWN_LIMIT_MS and
 * serve.ts); a worker still there past this is killed. */
export const STOP_LIMIT_MS = 25_000;
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that served this long before dying resets the restart backoff. */
const STABLE_MS = 60_000;

interface Asked {
  readonly resolve: (message: WorkerMessage) => void;
}

/** One of the `count` places for a worker; a replacement takes its predecessor's slot. */
interface Slot {
  readonly index: number;
  /** Starts since a worker in this slot last served. */
  attempts: number;
}

export class Primary {
  private readonly workers = new Set<Worker>();
  private readonly slots = new Map<Worker, Slot>();
  /** Workers serving now, and since when. */
  private readonly serving = new Map<Worker, number>();
  /** Forked and not serving yet: at most START_WAVE. */
  private readonly starting = new Set<Worker>();
  /** Slots waiting for a place among the starting. */
  private readonly queue: Slot[] = [];
  private readonly asked = new Map<number, Asked>();
  private nextId = 1;
  private stopping = false;
  /** A worker has opened the token and served: the token, PIN and configuration work. */
  private proven = false;
  /** Every worker has served at once: start() has resolved. */
  private allStarted = false;
  private restartDelayMs = FIRST_RESTART_DELAY_MS;
  private readonly registry: Registry;
  private readonly restarts: Counter;
  private readonly startRetries: Counter;
  private exitCode = 0;

  constructor(
    private readonly count: number,
    private readonly log: Logger,
  ) {
    ({
      registry: this.registry,
      restarts: this.restarts,
      startRetries: this.startRetries,
    } = createPrimaryMetrics(() => this.serving.size));
  }

  /**
   * Forks one worker, and the others once it serves, at most START_WAVE starting at once: a
   * wrong PIN is then tried once, not once per worker (HSMs lock the PIN after a few failures),
   * and the token is not opened by every worker at the same instant. Resolves once all serve,
   * or rejects with a start-up failure that a fresh worker would repeat.
   */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.onStarted = (err) => (err ? reject(err) : resolve());
      this.queue.push({ index: 1, attempts: 0 });
      this.launch();
    });
  }

  private onStarted: ((err?: Error & { exitCode?: number }) => void) | null = null;

  /** Forks queued slots while fewer than START_WAVE workers are starting. */
  private launch(): void {
    while (!this.stopping && this.starting.size < START_WAVE) {
      const slot = this.queue.shift();
      if (!slot) return;
      this.fork(slot);
    }
  }

  private fork(slot: Slot): void {
    slot.attempts++;
    const worker = cluster.fork();
    this.workers.add(worker);
    this.slots.set(worker, slot);
    this.starting.add(worker);
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
    // A worker that finished starting after the stop began is being stopped too: it must not
    // count as serving, nor (were it the first) fork the others.
    if (this.stopping || !this.starting.delete(worker)) return;
    const slot = this.slots.get(worker) as Slot;
    if (slot.attempts > 1) {
      this.log.info(
        { worker: worker.id, slot: slot.index, attempts: slot.attempts },
        'worker started after retrying',
      );
    }
    slot.attempts = 0;
    this.serving.set(worker, Date.now());
    if (!this.proven) {
      this.proven = true;
      for (let index = 2; index <= this.count; index++) this.queue.push({ index, attempts: 0 });
    }
    this.launch();
    if (!this.allStarted && this.serving.size === this.count) {
      this.allStarted = true;
      this.log.info({ url: message.url, workers: this.count }, 'QKMS is serving');
      this.onStarted?.();
      this.onStarted = null;
    }
  }

  private exited(worker: Worker, code: number | null, signal: string | null): void {
    const servedSince = this.serving.get(worker);
    const slot = this.slots.get(worker) as Slot;
    this.workers.delete(worker);
    this.slots.delete(worker);
    this.serving.delete(worker);
    this.starting.delete(worker);
    if (this.stopping) return;
    const exitCode = code ?? 1;
    const verdict = judgeExit({
      code: exitCode,
      served: servedSince !== undefined,
      proven: this.proven,
      allStarted: this.allStarted,
      attempts: slot.attempts,
    });
    const facts = { worker: worker.id, slot: slot.index, code, signal };
    if (verdict.action === 'stop') this.fail(exitCode, verdict, facts);
    else if (verdict.action === 'retry') this.retry(slot, facts);
    else this.replace(slot, servedSince, facts);
    // The ended worker's place among the starting is free.
    this.launch();
  }

  /** A failure every replacement would repeat: stop all and exit with the worker's code. */
  private fail(
    exitCode: number,
    verdict: Extract<ExitVerdict, { action: 'stop' }>,
    facts: Record<string, unknown>,
  ): void {
    const why = {
      'exit-code': `a worker could not start (exit code ${exitCode} is never retried); stopping`,
      'first-worker': 'a worker could not start; stopping',
      attempts: `a worker could not start in ${MAX_START_ATTEMPTS} attempts; stopping`,
    }[verdict.reason];
    this.log.error(facts, why);
    const failure = Object.assign(new Error(`a worker exited with code ${exitCode}`), {
      exitCode,
    });
    this.exitCode = exitCode;
    void this.stop().then(() => {
      this.onStarted?.(failure);
      this.onStarted = null;
      this.onFatal?.(exitCode);
    });
  }

  /**
   * Another worker has the token open, so this failure was a race (two processes opening a
   * SoftHSM token at once) or another passing fault: start the slot again, after a jittered
   * wait, in a fresh process (start-policy.ts says why not in the same one). The serving
   * workers are left alone.
   */
  private retry(slot: Slot, facts: Record<string, unknown>): void {
    this.startRetries.inc();
    const delay = startRetryDelayMs(slot.attempts);
    this.log.warn(
      { ...facts, attempt: slot.attempts, maxAttempts: MAX_START_ATTEMPTS, retryInMs: delay },
      'a worker could not start; starting it again',
    );
    this.later(slot, delay);
  }

  /** A worker that served died, or a replacement could not start: the restart backoff. */
  private replace(
    slot: Slot,
    servedSince: number | undefined,
    facts: Record<string, unknown>,
  ): void {
    this.restarts.inc();
    // Only a worker that ran steadily resets the backoff: one that dies soon after serving (a
    // poison request, a failing HSM library) must not be re-forked every second.
    if (servedSince !== undefined && Date.now() - servedSince >= STABLE_MS) {
      this.restartDelayMs = FIRST_RESTART_DELAY_MS;
    }
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
    this.log.error({ ...facts, restartInMs: delay }, 'worker died');
    this.later(slot, delay);
  }

  /** Queues the slot for a start after `delay`, unless the primary is stopping by then. */
  private later(slot: Slot, delay: number): void {
    setTimeout(() => {
      if (this.stopping) return;
      this.queue.push(slot);
      this.launch();
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
