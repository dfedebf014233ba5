// The audit trail: one JSON line per key use or key change, written to a file (or stdout), and
// the last-usage index GetKeyLastUsage answers from. A line never holds the message, the PIN or
// any secret: only the SHA-256 of the message.

import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export interface AuditEvent {
  readonly time: string;
  readonly requestId: string;
  readonly principal: string | null;
  readonly source: string | null;
  readonly operation: string;
  /** The key's ARN when the request resolved to a key, else what the client asked for. */
  readonly keyArn: string | null;
  readonly keyId: string | null;
  /** ReEncrypt: the key that decrypted (keyArn is the one that encrypted again). */
  readonly sourceKeyArn?: string;
  readonly algorithm?: string;
  readonly messageType?: string;
  readonly messageSha256?: string;
  readonly outcome: 'success' | 'failure';
  readonly error?: string;
  readonly ckr?: string;
  /** Alias operations: the alias; UpdateAlias also the key it named before. */
  readonly aliasName?: string;
  readonly previousKeyId?: string;
}

/**
 * The line written before a key change is made: if it cannot be written, the change is not
 * made. The request's final line (outcome) follows it with the same request id.
 */
export interface ChangeIntent {
  readonly requestId: string;
  readonly principal: string | null;
  readonly source: string | null;
  readonly operation: string;
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName?: string;
  readonly previousKeyId?: string;
}

export interface LastUsage {
  readonly operation: string;
  readonly timestamp: number;
  readonly requestId: string;
}

/** Operations that count as a use of a key for GetKeyLastUsage (the cryptographic ones KMS tracks). */
export const LAST_USAGE_OPERATIONS = [
  'Sign',
  'Verify',
  'GenerateMac',
  'VerifyMac',
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'DeriveSharedSecret',
] as const;
const USES: ReadonlySet<string> = new Set(LAST_USAGE_OPERATIONS);

export class AuditTrail {
  private readonly lastUse = new Map<string, LastUsage>();
  /** Epoch ms since which uses are tracked: the oldest line of the file, or start-up. */
  readonly trackingStart: number;

  private constructor(
    private readonly write: (line: string) => void,
    private readonly close_: () => Promise<void>,
    history: Iterable<AuditEvent>,
    now: number,
  ) {
    let start = now;
    for (const event of history) {
      start = Math.min(start, Date.parse(event.time));
      this.index(event);
    }
    this.trackingStart = start;
  }

  /** Opens the trail: appends to `file` (rebuilding the index from it), or writes to stdout. */
  static open(
    file: string | undefined,
    now = Date.now(),
    historyLimit = HISTORY_TAIL_BYTES,
  ): AuditTrail {
    if (!file)
      return new AuditTrail(
        (line) => process.stdout.write(line),
        async () => undefined,
        [],
        now,
      );
    const history = existsSync(file) ? historyEvents(file, historyLimit) : [];
    // Written synchronously, before the client gets its answer: a use is never answered
    // without its line being in the file (the OS's cache, at least).
    const torn = existsSync(file) && endsMidLine(file);
    const fd = openSync(file, 'a', 0o600);
    return new AuditTrail(appendLines(fd, torn), async () => closeSync(fd), history, now);
  }

  /** A trail that keeps the index only (tests, `qkms keys`). */
  static inMemory(now = Date.now()): AuditTrail {
    return new AuditTrail(
      () => undefined,
      async () => undefined,
      [],
      now,
    );
  }

  /** Details of changes journalled but not yet concluded, by request id: the final line repeats them. */
  private readonly pending = new Map<
    string,
    Pick<AuditEvent, 'keyArn' | 'keyId' | 'aliasName' | 'previousKeyId'>
  >();

  record(event: AuditEvent): void {
    const intent = this.pending.get(event.requestId);
    this.pending.delete(event.requestId);
    const line = intent ? { ...event, ...intent } : event;
    this.write(`${JSON.stringify({ type: 'audit', ...line })}\n`);
    this.index(line);
  }

  /** Writes a change's intent line; throws (and nothing may be changed) when it cannot. */
  recordIntent(intent: ChangeIntent, time = new Date()): void {
    this.write(
      `${JSON.stringify({ type: 'audit', phase: 'intent', time: time.toISOString(), ...intent })}\n`,
    );
    const { keyArn, keyId, aliasName, previousKeyId } = intent;
    this.pending.set(intent.requestId, {
      keyArn,
      keyId,
      ...(aliasName ? { aliasName } : {}),
      ...(previousKeyId ? { previousKeyId } : {}),
    });
  }

  /** Forgets an intent whose request ends without a final line (tests, `qkms keys`). */
  settle(requestId: string): void {
    this.pending.delete(requestId);
  }

  private index(event: AuditEvent): void {
    if (event.outcome !== 'success' || !USES.has(event.operation)) return;
    // ReEncrypt uses two keys: the one that decrypts and the one that encrypts again.
    for (const arn of [event.sourceKeyArn, event.keyArn]) {
      if (!arn) continue;
      this.lastUse.set(arn.slice(arn.lastIndexOf('/') + 1), {
        operation: event.operation,
        timestamp: Date.parse(event.time),
        requestId: event.requestId,
      });
    }
  }

  lastUsage(keyId: string): LastUsage | undefined {
    return this.lastUse.get(keyId);
  }

  close(): Promise<void> {
    return this.close_();
  }
}

/**
 * Appends whole lines, or throws. A full disk can take part of a line (a short write) and then
 * refuse the rest: the line then counts as not written, and the next line starts on a fresh line
 * so the torn one does not swallow it.
 */
function appendLines(fd: number, startTorn: boolean): (line: string) => void {
  let torn = startTorn;
  return (line) => {
    const bytes = Buffer.from(torn ? `\n${line}` : line, 'utf8');
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      torn = false;
    } catch (err) {
      torn = torn || done > 0;
      throw err;
    }
  };
}

/** Whether the file's last line is unfinished (a crash or a full disk cut it short). */
function endsMidLine(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    return size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * How much of an existing trail start-up reads: its tail. A trail that has grown for months must
 * not slow start-up or fill memory; uses older than the tail are outside the tracking period
 * (GetKeyLastUsage's TrackingStartDate says so).
 */
export const HISTORY_TAIL_BYTES = 16 * 1024 * 1024;

const CHUNK_BYTES = 1024 * 1024;

/**
 * The events in the last `limit` bytes of the trail, read a chunk at a time: start-up memory
 * stays at one chunk (plus the index), however long the file.
 */
function* historyEvents(file: string, limit: number): Generator<AuditEvent> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let position = Math.max(0, size - limit);
    // Started mid-file: the first line is partial and is skipped.
    let skipFirst = position > 0;
    let carry = '';
    const chunk = Buffer.alloc(CHUNK_BYTES);
    while (position < size) {
      const read = readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, size - position), position);
      if (read === 0) break;
      position += read;
      // Lines are split at newline bytes, so a multi-byte character is never cut in two.
      let text = carry + chunk.toString('latin1', 0, read);
      const last = text.lastIndexOf('\n');
      carry = last === -1 ? text : text.slice(last + 1);
      text = last === -1 ? '' : text.slice(0, last);
      for (const line of text.split('\n')) {
        if (skipFirst) {
          skipFirst = false;
          continue;
        }
        const event = parseLine(Buffer.from(line, 'latin1').toString('utf8'));
        if (event) yield event;
      }
    }
    const event = skipFirst ? null : parseLine(Buffer.from(carry, 'latin1').toString('utf8'));
    if (event) yield event;
  } finally {
    closeSync(fd);
  }
}

function parseLine(line: string): AuditEvent | null {
  if (line === '') return null;
  try {
    const event = JSON.parse(line) as AuditEvent & { type?: string };
    return event.type === 'audit' && typeof event.time === 'string' ? event : null;
  } catch {
    return null; // A torn last line from a crash: the rest of the trail still counts.
  }
}
