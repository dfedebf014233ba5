// The host's metadata lock: one file per token, flock(2)ed exclusively by whichever process on
// this host is changing the token's metadata. Every writer on the host (serve workers, a second
// serve, `qkms keys`) takes it, so their changes are serialised; the kernel releases it when its
// holder dies, even by SIGKILL, so a crash never leaves it held. The same file carries the
// change notice: a writer writes the new generation into it, and every process watching it
// (fs.watch, inotify) checks the token at once instead of waiting for its next poll.

import { createHash } from 'node:crypto';
import {
  closeSync,
  ftruncateSync,
  openSync,
  readFileSync,
  watch,
  writeSync,
  type FSWatcher,
} from 'node:fs';
import { join } from 'node:path';
import { flockSync } from 'fs-ext';
import { KmsError } from '../../../errors/kms-error';
import type { TokenDescription } from '../../../pkcs11/token-api';

/** The lock file's name: the token's identity, so every process of one token finds the same file. */
export function lockFileName(token: TokenDescription): string {
  const identity = [token.manufacturer, token.model, token.serial, token.label].join('\0');
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 16);
  return `qkms-metadata-${digest}.lock`;
}

const busy = (err: unknown): boolean =>
  (err as NodeJS.ErrnoException).code === 'EAGAIN' ||
  (err as NodeJS.ErrnoException).code === 'EWOULDBLOCK';

export class HostLock {
  private held = false;
  private watcher: FSWatcher | null = null;

  private constructor(
    readonly path: string,
    /** The descriptor locked exclusively by this process's writer. */
    private readonly writerFd: number,
    /** A second open file description: flock on it conflicts with writerFd, so probes are honest. */
    private readonly probeFd: number,
  ) {}

  /** Opens (creating if needed) the lock file of `token` in `dir`. */
  static open(dir: string, token: TokenDescription): HostLock {
    const path = join(dir, lockFileName(token));
    try {
      // Group-writable: an administrator in the service's group can run `qkms keys` beside it.
      const writerFd = openSync(path, 'a+', 0o660);
      return new HostLock(path, writerFd, openSync(path, 'r'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(
        `cannot open the metadata lock file ${path} (${code}): every process that writes this token's metadata on this host must be able to open it (metadata.lockDir)`,
      );
    }
  }

  /**
   * Waits up to `timeoutMs` for the lock. The wait polls a non-blocking flock with backoff: a
   * blocking flock would hold one of libuv's threads, which the token's async calls need.
   */
  async acquire(timeoutMs: number): Promise<void> {
    if (this.held) throw new Error('the host lock is already held by this process');
    const giveUp = Date.now() + timeoutMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
      try {
        flockSync(this.writerFd, 'exnb');
        this.held = true;
        return;
      } catch (err) {
        if (!busy(err)) throw err;
      }
      if (Date.now() >= giveUp) {
        throw new KmsError(
          'DependencyTimeoutException',
          'Another QKMS process on this host is changing key metadata and did not finish in time. Retry the request.',
        );
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    flockSync(this.writerFd, 'un');
  }

  /** Whether some process (this one included) holds the lock right now. */
  isHeld(): boolean {
    try {
      flockSync(this.probeFd, 'shnb');
    } catch (err) {
      if (busy(err)) return true;
      throw err;
    }
    flockSync(this.probeFd, 'un');
    return false;
  }

  /** Tells the host's other processes that the metadata changed (call while holding the lock). */
  announce(generation: number): void {
    ftruncateSync(this.writerFd, 0);
    writeSync(this.writerFd, `${generation}\n`, 0);
  }

  /** The generation last announced on this host (0 when none or unreadable). */
  announced(): number {
    try {
      const text = readFileSync(this.path, 'utf8');
      const generation = Number.parseInt(text, 10);
      return Number.isSafeInteger(generation) ? generation : 0;
    } catch {
      return 0;
    }
  }

  /** Calls `onNotice` whenever another process announces a change. */
  watch(onNotice: () => void): void {
    this.watcher ??= watch(this.path, { persistent: false }, () => onNotice());
    // A watched file that is removed (a tmp cleaner) ends the watch; polling still catches up.
    this.watcher.on('error', () => undefined);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
    this.release();
    closeSync(this.probeFd);
    closeSync(this.writerFd);
  }
}
