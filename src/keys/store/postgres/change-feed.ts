// One long-lived connection per process that LISTENs for change notices (every committed change
// NOTIFYs), and holds this store instance's owner lock: a session-level advisory lock that
// tells other replicas this process is alive (a key creation it has begun is not theirs to roll
// back). When the connection is lost it reconnects with capped backoff, and says so: readiness
// and the staleness bound follow it.

import { Client, type ClientConfig } from 'pg';
import { quoteIdent } from './connection';

export interface FeedEvents {
  /** A change was committed somewhere (or the feed is back and changes may have been missed). */
  onNotice(): void;
  onDown(err: unknown): void;
}

export class ChangeFeed {
  private client: Client | null = null;
  private connected = false;
  private closed = false;
  private delay = 100;
  private timer: NodeJS.Timeout | null = null;
  /** When the connection was last known good (now while connected). */
  private lastUp = Date.now();

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly ownerLock: string,
    private readonly events: FeedEvents,
  ) {}

  /** Connects once; throws if the database cannot be reached (start-up must know). */
  async start(): Promise<void> {
    await this.connect();
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Milliseconds since the feed was last connected (0 while it is). */
  downFor(): number {
    return this.connected ? 0 : Date.now() - this.lastUp;
  }

  private async connect(): Promise<void> {
    const client = new Client(this.config);
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', () => this.events.onNotice());
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [this.ownerLock]);
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    this.connected = true;
    this.delay = 100;
    this.lastUp = Date.now();
  }

  private lost(client: Client, err: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    if (this.connected) {
      this.connected = false;
      this.lastUp = Date.now();
      this.events.onDown(err);
    }
    client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect().then(
        // Back: whatever changed meanwhile was not announced to this process.
        () => this.events.onNotice(),
        () => {
          this.delay = Math.min(this.delay * 2, 5000);
          this.retry();
        },
      );
    }, this.delay);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    this.connected = false;
    await client?.end().catch(() => undefined);
  }
}
