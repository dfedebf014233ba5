import { PoolExhaustedError, SessionPool } from '../../../src/pkcs11/session-pool';

/** Fake C_OpenSession/C_CloseSession: sessions are numbered handles. */
function fakeToken() {
  let next = 1;
  const open: number[] = [];
  const closed: number[] = [];
  let failOpen = false;
  let failClose = false;
  return {
    open,
    closed,
    setFailOpen: (v: boolean) => (failOpen = v),
    setFailClose: (v: boolean) => (failClose = v),
    openSession: (): Buffer => {
      if (failOpen) throw new Error('CKR_DEVICE_ERROR:48');
      const handle = next++;
      open.push(handle);
      return Buffer.from([handle]);
    },
    closeSession: (session: Buffer): void => {
      if (failClose) throw new Error('CKR_SESSION_HANDLE_INVALID:179');
      closed.push(session[0] as number);
    },
  };
}

const id = (s: Buffer): number => s[0] as number;

/** Resolves once pending promise callbacks have run. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('SessionPool', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('opens exactly `size` sessions up front', () => {
    const token = fakeToken();
    new SessionPool(token.openSession, token.closeSession, 3, 100);
    expect(token.open).toEqual([1, 2, 3]);
  });

  it('hands out each session to one caller at a time, never more than `size`', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 2, 100);
    const a = await pool.acquire();
    const b = await pool.acquire();
    expect(new Set([id(a), id(b)])).toEqual(new Set([1, 2]));
    let third: Buffer | null = null;
    void pool.acquire().then((s) => (third = s));
    await flush();
    expect(third).toBeNull();
    expect(token.open).toEqual([1, 2]);
    pool.release(a);
    await flush();
    expect(third).not.toBeNull();
    expect(id(third as unknown as Buffer)).toBe(id(a));
    pool.release(b);
    pool.release(third as unknown as Buffer);
  });

  it('serves waiters in the order they arrived', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 1000);
    const held = await pool.acquire();
    const order: string[] = [];
    const w1 = pool.acquire().then((s) => {
      order.push('first');
      return s;
    });
    const w2 = pool.acquire().then((s) => {
      order.push('second');
      return s;
    });
    const w3 = pool.acquire().then((s) => {
      order.push('third');
      return s;
    });
    pool.release(held);
    const s1 = await w1;
    await flush();
    expect(order).toEqual(['first']);
    pool.release(s1);
    const s2 = await w2;
    await flush();
    expect(order).toEqual(['first', 'second']);
    pool.release(s2);
    await w3;
    expect(order).toEqual(['first', 'second', 'third']);
  });

  it('rejects a waiter with PoolExhaustedError when no session frees up in time', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 250);
    await pool.acquire();
    const waiting = pool.acquire();
    const outcome = waiting.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    jest.advanceTimersByTime(249);
    await flush();
    let settled = false;
    void outcome.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    jest.advanceTimersByTime(1);
    const err = await outcome;
    expect(err).toBeInstanceOf(PoolExhaustedError);
    expect((err as Error).message).toBe(
      'QKMS_POOL_EXHAUSTED: no PKCS#11 session became free within 250 ms',
    );
  });

  it('forgets a timed-out waiter: the next release goes to the pool, not to it', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const held = await pool.acquire();
    const early = pool.acquire().catch((e: unknown) => e);
    jest.advanceTimersByTime(100);
    expect(await early).toBeInstanceOf(PoolExhaustedError);
    pool.release(held);
    expect(id(await pool.acquire())).toBe(id(held));
  });

  it('times out only the waiter whose time ran out, keeping later waiters queued', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const held = await pool.acquire();
    const first = pool.acquire().catch((e: unknown) => e);
    jest.advanceTimersByTime(60);
    let secondSession: Buffer | null = null;
    const second = pool.acquire().then((s) => (secondSession = s));
    jest.advanceTimersByTime(40); // first times out, second has 60 ms left
    expect(await first).toBeInstanceOf(PoolExhaustedError);
    pool.release(held);
    await second;
    expect(id(secondSession as unknown as Buffer)).toBe(id(held));
  });

  it("a release clears the waiter's timer, so it never rejects later", async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const held = await pool.acquire();
    const waiting = pool.acquire();
    pool.release(held);
    expect(id(await waiting)).toBe(id(held));
    expect(jest.getTimerCount()).toBe(0);
  });

  it('closes a broken session and hands out a fresh one in its place', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 2, 100);
    const a = await pool.acquire();
    pool.release(a, true);
    expect(token.closed).toEqual([id(a)]);
    expect(token.open).toEqual([1, 2, 3]);
    const got = [id(await pool.acquire()), id(await pool.acquire())].sort();
    expect(got).toEqual([1, 2, 3].filter((n) => n !== id(a)));
  });

  it('gives the fresh session straight to a waiter when a broken one comes back', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const held = await pool.acquire();
    const waiting = pool.acquire();
    pool.release(held, true);
    expect(id(await waiting)).toBe(2);
    expect(token.closed).toEqual([1]);
  });

  it('replaces a broken session even if closing it fails', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const held = await pool.acquire();
    token.setFailClose(true);
    pool.release(held, true);
    expect(id(await pool.acquire())).toBe(2);
  });

  it('shrinks when a broken session cannot be replaced, and waiters then time out', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const held = await pool.acquire();
    token.setFailOpen(true);
    pool.release(held, true);
    expect(token.closed).toEqual([1]);
    const waiting = pool.acquire().catch((e: unknown) => e);
    jest.advanceTimersByTime(100);
    expect(await waiting).toBeInstanceOf(PoolExhaustedError);
  });

  it('close() closes idle sessions and refuses new acquires', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 3, 100);
    const busy = await pool.acquire();
    pool.close();
    expect(token.closed.sort()).toEqual([1, 2, 3].filter((n) => n !== id(busy)));
    await expect(pool.acquire()).rejects.toThrow('session pool is closed');
  });

  it("close() cancels waiters' timers", async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    await pool.acquire();
    void pool.acquire().catch(() => undefined);
    expect(jest.getTimerCount()).toBe(1);
    pool.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('close() rejects callers still waiting for a session', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    await pool.acquire();
    const waiting = pool.acquire().catch((e: unknown) => e);
    pool.close();
    expect(await waiting).toEqual(new Error('session pool is closed'));
  });

  it('closes a session released after close() instead of keeping it', async () => {
    const token = fakeToken();
    const pool = new SessionPool(token.openSession, token.closeSession, 1, 100);
    const busy = await pool.acquire();
    pool.close();
    pool.release(busy);
    expect(token.closed).toEqual([id(busy)]);
  });
});
