// The HTTP thread's handle on the token thread: every TokenApi method becomes a message with a
// deadline. A call that misses its deadline fails with DependencyTimeoutException while the
// token thread finishes (or stays stuck in) the native call on its own.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KmsError } from '../errors/kms-error';
import { kmsErrorForCkr } from './ckr-table';
import { CKM } from './constants';
import type { MechanismSpec } from './mechanism-spec';
import type { TokenApi, TokenMethod, TokenReply, TokenRequest } from './token-api';
import { MessageBatch } from './message-batch';
import { TokenError } from './token-error';
import { CallTimedOut } from './call-timed-out';

/**
 * Closing drains calls in flight (each bounded by its own deadline) and finalises the module.
 * Past this the token is given up: its thread is ended without C_Finalize (DESIGN §10).
 */
export const CLOSE_DEADLINE_MS = 10_000;
/**
 * How long the token thread gets to end once told to. It ends at once unless a PKCS#11 call
 * holds it (or holds a libuv pool thread for it): such a call never returns while the HSM hangs.
 */
export const THREAD_END_LIMIT_MS = 1000;

/**
 * A token that could not be closed cleanly. With `threadStuck` its thread is still inside a
 * PKCS#11 call that may never return: Node joins every thread before a process exits, so this
 * process can then end only by a signal.
 */
export class TokenCloseError extends Error {
  constructor(
    message: string,
    readonly threadStuck: boolean,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** What went wrong with `close`, for the operator: the CKR name or the missed deadline. */
function closeFailure(err: unknown): string {
  if (err instanceof CallTimedOut) return `the token did not close within ${CLOSE_DEADLINE_MS} ms`;
  const cause = err instanceof KmsError ? err.cause : undefined;
  if (cause instanceof TokenError) {
    // QKMS_RECOVERING: the token thread was reconnecting after a device fault (token-host.ts).
    const why = cause.ckr === 'QKMS_RECOVERING' ? ': the HSM was unreachable' : '';
    return `closing the token failed (${cause.message})${why}`;
  }
  return `closing the token failed (${err instanceof Error ? err.message : String(err)})`;
}

const CKM_NAMES = new Map<number, string>(
  Object.entries(CKM).map(([name, value]) => [value, `CKM_${name}`]),
);

/** The mechanism of a sign, verify, encrypt or decrypt call, by CKM name: a closed set, fit for a metric label. */
function mechanismLabel(method: TokenMethod, args: unknown[]): string {
  if (!['sign', 'verify', 'encrypt', 'decrypt'].includes(method)) return 'none';
  const spec = args[1] as MechanismSpec | undefined;
  return (spec && CKM_NAMES.get(spec.mechanism)) ?? 'other';
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

/** The compiled worker script: beside this file when running from dist/, else in dist/. */
function workerScript(): string {
  const sibling = join(__dirname, 'token-thread.js');
  if (existsSync(sibling)) return sibling;
  const built = resolve(__dirname, '../../dist/pkcs11/token-thread.js');
  if (existsSync(built)) return built;
  throw new Error(
    `token thread script not found (looked for ${sibling} and ${built}); run npm run build`,
  );
}

type Promised<T> = T extends (...args: infer A) => Promise<infer R>
  ? (...args: A) => Promise<R>
  : never;

export class TokenClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  /** Calls whose caller gave up, still watched so that CallTimedOut.settled can say when they end. */
  private readonly late = new Map<number, (answered: boolean) => void>();
  private nextId = 1;
  private dead: Error | null = null;
  private readonly outbox: MessageBatch<TokenRequest>;
  /** Told about every finished call (metrics); set after construction. */
  observe:
    ((method: TokenMethod, mechanism: string, seconds: number, ckr: string | null) => void) | null =
    null;
  /** Told when the token thread ends without being asked to: the client is dead for good. */
  onDeath: ((err: Error) => void) | null = null;
  private stopping = false;

  /**
   * @param deadlineMs default deadline per call
   * @param slowDeadlineMs deadline for calls that legitimately take long (key generation, open)
   */
  constructor(
    private readonly deadlineMs: number,
    private readonly slowDeadlineMs = 120_000,
  ) {
    this.worker = new Worker(workerScript());
    this.outbox = new MessageBatch((batch) => this.worker.postMessage(batch));
    this.worker.on('message', (replies: TokenReply[]) => replies.forEach((r) => this.settle(r)));
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => {
      const err = new Error(`token thread exited with code ${code}`);
      this.failAll(err);
      if (!this.stopping) this.onDeath?.(err);
    });
    this.worker.unref();
  }

  /** Calls a TokenApi method in the token thread; PKCS#11 failures become KmsErrors. */
  call<M extends TokenMethod>(
    method: M,
    args: Parameters<TokenApi[M]>,
    deadlineMs = this.deadlineFor(method),
  ): ReturnType<Promised<TokenApi[M]>> {
    return this.send(method, args, deadlineMs) as ReturnType<Promised<TokenApi[M]>>;
  }

  private deadlineFor(method: TokenMethod): number {
    if (method === 'close') return CLOSE_DEADLINE_MS;
    return method === 'generateKeyPair' ||
      method === 'generateSecretKey' ||
      method === 'exportKeyPair' ||
      method === 'open'
      ? this.slowDeadlineMs
      : this.deadlineMs;
  }

  private send(method: TokenMethod, args: unknown[], deadlineMs: number): Promise<unknown> {
    if (this.dead) {
      return Promise.reject(
        new KmsError('KeyUnavailableException', 'The HSM connection is down.', this.dead),
      );
    }
    const id = this.nextId++;
    const started = process.hrtime.bigint();
    const mechanism = mechanismLabel(method, args);
    const done = (ckr: string | null) =>
      this.observe?.(method, mechanism, Number(process.hrtime.bigint() - started) / 1e9, ckr);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        done('QKMS_DEADLINE_PASSED');
        reject(new CallTimedOut(this.watchLate(id, deadlineMs)));
      }, deadlineMs);
      this.pending.set(id, {
        resolve: (value) => {
          done(null);
          resolvePromise(value);
        },
        reject: (err) => {
          const cause = err instanceof KmsError ? err.cause : undefined;
          done(cause instanceof TokenError ? cause.ckr : 'NATIVE_ERROR');
          reject(err);
        },
        timer,
      });
      const request: TokenRequest = { id, method, args, deadline: Date.now() + deadlineMs };
      this.outbox.push(request);
    });
  }

  /** Resolves once the token thread answers a call its caller gave up on (false: not in time). */
  private watchLate(id: number, graceMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.late.delete(id);
        resolve(false);
      }, graceMs);
      timer.unref();
      this.late.set(id, (answered) => {
        clearTimeout(timer);
        this.late.delete(id);
        resolve(answered);
      });
    });
  }

  private settle(reply: TokenReply): void {
    this.late.get(reply.id)?.(true);
    const pending = this.pending.get(reply.id);
    if (!pending) return; // Already timed out.
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(kmsErrorForCkr(reply.failure.ckr, new TokenError(reply.failure)));
  }

  private failAll(err: Error): void {
    this.dead = err;
    for (const answered of [...this.late.values()]) answered(false);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new KmsError('KeyUnavailableException', 'The HSM connection is down.', err));
      this.pending.delete(id);
    }
  }

  /**
   * Closes the token (draining in-flight calls) and ends its thread, within CLOSE_DEADLINE_MS
   * plus THREAD_END_LIMIT_MS whatever the HSM does. Rejects with a TokenCloseError when the
   * token was not closed cleanly; the thread has been told to end either way.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.dead) return;
    const failure = await this.call('close', []).then(
      () => null,
      (err: unknown) => err,
    );
    const ended = await this.endThread();
    if (!ended) {
      throw new TokenCloseError(
        `${failure === null ? 'the token closed' : closeFailure(failure)}, and its thread did not end within ${THREAD_END_LIMIT_MS} ms: a PKCS#11 call is stuck in the HSM library`,
        true,
        failure,
      );
    }
    if (failure !== null) throw new TokenCloseError(closeFailure(failure), false, failure);
  }

  /** Ends the token thread; false if it is still running after THREAD_END_LIMIT_MS. */
  private endThread(): Promise<boolean> {
    return new Promise((resolve) => {
      const limit = setTimeout(() => resolve(false), THREAD_END_LIMIT_MS);
      const ended = () => {
        clearTimeout(limit);
        resolve(true);
      };
      // terminate() settles once the thread has ended (it rejects only if it already had).
      this.worker.terminate().then(ended, ended);
    });
  }
}

/** The TokenApi as seen from the HTTP thread. */
export function tokenProxy(client: TokenClient): TokenApi {
  return {
    open: (...a) => client.call('open', a),
    close: (...a) => client.call('close', a),
    generateKeyPair: (...a) => client.call('generateKeyPair', a),
    generateSecretKey: (...a) => client.call('generateSecretKey', a),
    exportKeyPair: (...a) => client.call('exportKeyPair', a),
    findKey: (...a) => client.call('findKey', a),
    listKeyObjects: (...a) => client.call('listKeyObjects', a),
    destroyKey: (...a) => client.call('destroyKey', a),
    importPublicKey: (...a) => client.call('importPublicKey', a),
    sign: (...a) => client.call('sign', a),
    verify: (...a) => client.call('verify', a),
    encrypt: (...a) => client.call('encrypt', a),
    decrypt: (...a) => client.call('decrypt', a),
    deriveSharedSecret: (...a) => client.call('deriveSharedSecret', a),
    generateRandom: (...a) => client.call('generateRandom', a),
    stats: (...a) => client.call('stats', a),
    scanData: (...a) => client.call('scanData', a),
    readData: (...a) => client.call('readData', a),
    createData: (...a) => client.call('createData', a),
    destroyData: (...a) => client.call('destroyData', a),
  };
}
