// pkcs11js runs every asynchronous C_Sign/C_Verify on libuv's thread pool, which has 4 threads
// unless UV_THREADPOOL_SIZE says otherwise. With more sessions than threads the extra sessions
// only queue: against a network HSM with a few ms per call that caps a process at a few hundred
// signatures per second. The pool also serves fs, dns and crypto work, hence the margin.

/** libuv's own upper bound. */
const LIBUV_MAX_THREADS = 1024;
const MARGIN = 4;

/**
 * Sizes the pool for `sessions` unless the operator set UV_THREADPOOL_SIZE. Must run before
 * anything uses the pool (libuv reads the variable once, when the pool starts).
 */
export function sizeThreadPool(sessions: number, env: NodeJS.ProcessEnv = process.env): void {
  if (env.UV_THREADPOOL_SIZE) return;
  env.UV_THREADPOOL_SIZE = String(Math.min(LIBUV_MAX_THREADS, Math.max(4, sessions + MARGIN)));
}
