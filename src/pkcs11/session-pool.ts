// A bounded pool of PKCS#11 sessions: one operation per session at a time, a bounded wait for a
// free one, and replacement of sessions the token has invalidated.

export class PoolExhaustedError extends Error {
  constructor(waitedMs: number) {
    super(`QKMS_POOL_EXHAUSTED: no PKCS#11 session became free within ${waitedMs} ms`);
  }
}

interface Waiter {
  resolve(session: Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class SessionPool {
  private readonly idle: Buffer[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;
  /** Sessions this pool holds, idle or lent out. */
  private owned = 0;

  constructor(
    private readonly openSession: () => Buffer,
    private readonly closeSession: (session: Buffer) => void,
    size: number,
    private readonly acquireTimeoutMs: number,
  ) {
    for (let i = 0; i < size; i++) {
      this.idle.push(openSession());
      this.owned++;
    }
  }

  acquire(): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('session pool is closed'));
    const session = this.idle.pop();
    if (session) return Promise.resolve(session);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new PoolExhaustedError(this.acquireTimeoutMs));
        }, this.acquireTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Returns a session; `broken` sessions are closed and replaced by a fresh one. */
  release(session: Buffer, broken = false): void {
    if (this.closed) {
      this.closeQuietly(session);
      this.owned--;
      return;
    }
    let next = session;
    if (broken) {
      this.closeQuietly(session);
      try {
        next = this.openSession();
      } catch {
        this.owned--;
        return; // The token is gone: the pool shrinks until the module is re-initialised.
      }
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(next);
    } else {
      this.idle.push(next);
    }
  }

  /** Closes idle sessions. Callers drain in-flight work first: closing a busy session crashes SoftHSM. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new Error('session pool is closed'));
    }
    for (const s of this.idle.splice(0)) {
      this.closeQuietly(s);
      this.owned--;
    }
  }

  stats(): { sessions: number; inUse: number; waiting: number } {
    return {
      sessions: this.owned,
      inUse: this.owned - this.idle.length,
      waiting: this.waiters.length,
    };
  }

  private closeQuietly(session: Buffer): void {
    try {
      this.closeSession(session);
    } catch {
      // The token already dropped it, or is going away.
    }
  }
}
