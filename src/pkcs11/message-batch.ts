// Messages between the HTTP thread and the token thread, sent in batches: everything queued in
// one turn of the event loop crosses in one postMessage. A postMessage costs tens of µs (copy,
// wake-up of the other thread) whatever its size, and under load many calls start or finish in
// the same turn.

export class MessageBatch<T> {
  private queue: T[] = [];

  constructor(private readonly post: (batch: T[]) => void) {}

  push(message: T): void {
    // setImmediate, not a microtask: it runs after every I/O callback of this turn has queued.
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push(message);
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.post(batch);
  }
}
