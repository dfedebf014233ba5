// The history of metadata changes a test made (who, what, when, with what outcome) and the
// checker that judges a final state against it.
//
// Each piece of metadata is a register: a key's description, a key's state, one tag key of a
// key, the target of one alias name. Every change request is a write of one value to one
// register. For a linearizable store, the final value of a register is the value of the write
// that took effect last. Acknowledged writes took effect somewhere between their start and end;
// failed writes (a KMS client error) did not take effect; indeterminate writes (no answer, a
// timeout, a server fault) may have taken effect at any instant after their start, even after
// the client gave up on them.
//
// An acknowledged write W is superseded when another acknowledged write of the same register
// started after W ended: that one took effect after W, so W cannot be the last. The last write L
// that took effect is never superseded: a write superseding it would have taken effect after it.
// Hence the final value must be the value of an acknowledged write that is not superseded, or of
// an indeterminate write (which no one can supersede, as its end is unknown), or the initial
// value when no acknowledged write exists. A correct store can never fail this check; a store that
// loses an acknowledged change fails it whenever the lost write was not superseded. This holds
// for conditional writes too (CreateAlias only if the name is free, UpdateAlias and DeleteAlias
// only if it exists): only the writes that did take effect matter, whatever their conditions.

import { performance } from 'node:perf_hooks';
import { classifyError, type Outcome } from './metadata-harness';

export interface HistoryEntry {
  readonly seq: number;
  readonly client: string;
  readonly op: string;
  readonly args: Readonly<Record<string, string>>;
  /** Milliseconds since the history began. */
  readonly start: number;
  end: number;
  outcome: Outcome | 'pending';
  error?: string;
  /** What the answer carried that later checks need (e.g. a new key id). */
  result?: string;
}

const ABSENT = '(absent)';

/** A register's name: `desc <keyId>`, `state <keyId>`, `tag <keyId> <tagKey>`, `alias <name>`. */
export type Register = string;

export const registers = {
  description: (keyId: string): Register => `desc ${keyId}`,
  state: (keyId: string): Register => `state ${keyId}`,
  tag: (keyId: string, tagKey: string): Register => `tag ${keyId} ${tagKey}`,
  alias: (name: string): Register => `alias ${name}`,
};

/** The value a tag register holds when the tag is present. */
export const tagValue = (value: string): string => `=${value}`;
export { ABSENT };

/** The register writes one request makes (empty for reads and key creation). */
export function writesOf(e: HistoryEntry): { register: Register; value: string }[] {
  const a = e.args;
  switch (e.op) {
    case 'TagResource':
      return [{ register: registers.tag(a.KeyId!, a.TagKey!), value: tagValue(a.TagValue!) }];
    case 'UntagResource':
      return [{ register: registers.tag(a.KeyId!, a.TagKey!), value: ABSENT }];
    case 'UpdateKeyDescription':
      return [{ register: registers.description(a.KeyId!), value: a.Description! }];
    case 'EnableKey':
      return [{ register: registers.state(a.KeyId!), value: 'Enabled' }];
    case 'DisableKey':
    case 'CancelKeyDeletion':
      return [{ register: registers.state(a.KeyId!), value: 'Disabled' }];
    case 'ScheduleKeyDeletion':
      return [{ register: registers.state(a.KeyId!), value: 'PendingDeletion' }];
    case 'CreateAlias':
    case 'UpdateAlias':
    case 'cli keys alias':
      return [{ register: registers.alias(a.AliasName!), value: a.TargetKeyId! }];
    case 'DeleteAlias':
      return [{ register: registers.alias(a.AliasName!), value: ABSENT }];
    default:
      return [];
  }
}

export class History {
  readonly entries: HistoryEntry[] = [];
  /** Register values known before any recorded write (e.g. what CreateKey set). */
  readonly initial = new Map<Register, string>();
  private readonly t0 = performance.now();

  now(): number {
    return performance.now() - this.t0;
  }

  /** Runs one SDK request and records it; never throws (the outcome says what happened). */
  async record<T>(
    client: string,
    op: string,
    args: Record<string, string>,
    request: () => Promise<T>,
    resultOf?: (value: T) => string | undefined,
  ): Promise<{ entry: HistoryEntry; value?: T }> {
    const entry = this.begin(client, op, args);
    try {
      const value = await request();
      entry.end = this.now();
      entry.outcome = 'ok';
      const result = resultOf?.(value);
      if (result !== undefined) entry.result = result;
      return { entry, value };
    } catch (err) {
      entry.end = this.now();
      const { outcome, error } = classifyError(err);
      entry.outcome = outcome;
      entry.error = error;
      return { entry };
    }
  }

  /** A new entry, pending from now. */
  private begin(client: string, op: string, args: Record<string, string>): HistoryEntry {
    const entry: HistoryEntry = {
      seq: this.entries.length + 1,
      client,
      op,
      args,
      start: this.now(),
      end: Infinity,
      outcome: 'pending',
    };
    this.entries.push(entry);
    return entry;
  }

  /** Records a step whose outcome the caller decides (e.g. a `qkms keys` command). */
  async recordCustom(
    client: string,
    op: string,
    args: Record<string, string>,
    run: () => Promise<{ outcome: Outcome; error?: string; result?: string }>,
  ): Promise<HistoryEntry> {
    const entry = this.begin(client, op, args);
    const done = await run();
    entry.end = this.now();
    entry.outcome = done.outcome;
    if (done.error !== undefined) entry.error = done.error;
    if (done.result !== undefined) entry.result = done.result;
    return entry;
  }

  /** Every register some request wrote, with its writes in start order. */
  writesByRegister(): Map<Register, { entry: HistoryEntry; value: string }[]> {
    const out = new Map<Register, { entry: HistoryEntry; value: string }[]>();
    for (const entry of this.entries) {
      for (const { register, value } of writesOf(entry)) {
        out.set(register, [...(out.get(register) ?? []), { entry, value }]);
      }
    }
    return out;
  }

  count(outcome: Outcome): number {
    return this.entries.filter((e) => e.outcome === outcome).length;
  }
}

const secs = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '?');

/** One history line: `#12 c3 TagResource {...} [1.234s–1.301s] ok`. */
export function historyLine(e: HistoryEntry): string {
  const outcome =
    e.outcome === 'ok' ? 'ok' : `${e.outcome}${e.error === undefined ? '' : ` ${e.error}`}`;
  const result = e.result === undefined ? '' : ` -> ${e.result}`;
  return `#${e.seq} ${e.client} ${e.op} ${JSON.stringify(e.args)} [${secs(e.start)}s–${secs(e.end)}s] ${outcome}${result}`;
}

/**
 * Judges one register's observed final value (ABSENT for an absent tag or alias). Returns null
 * when some linearization explains it, else a message with the register's history.
 */
export function judgeRegister(
  register: Register,
  observed: string,
  writes: readonly { entry: HistoryEntry; value: string }[],
  initial: string | undefined,
): string | null {
  const acked = writes.filter((w) => w.entry.outcome === 'ok');
  const superseded = (w: { entry: HistoryEntry }): boolean =>
    acked.some((other) => other.entry.start > w.entry.end);
  const allowed: { value: string; why: string }[] = [];
  if (acked.length === 0 && initial !== undefined)
    allowed.push({ value: initial, why: 'initial value' });
  for (const w of writes) {
    if (w.entry.outcome === 'ok' && !superseded(w))
      allowed.push({ value: w.value, why: `#${w.entry.seq} acknowledged, not superseded` });
    if (w.entry.outcome === 'indeterminate' || w.entry.outcome === 'pending')
      allowed.push({ value: w.value, why: `#${w.entry.seq} indeterminate` });
  }
  if (allowed.length === 0 && acked.length === 0 && initial === undefined) return null;
  if (allowed.some((a) => a.value === observed)) return null;
  const lines = writes.map((w) => `    ${historyLine(w.entry)}`);
  const shown = lines.length > 40 ? ['    ...', ...lines.slice(-40)] : lines;
  return [
    `${register}: observed ${JSON.stringify(observed)}, but only these values are explained by the history:`,
    ...allowed.map((a) => `    ${JSON.stringify(a.value)} (${a.why})`),
    `  writes of this register (${writes.length}; failed ones did not happen):`,
    ...shown,
  ].join('\n');
}

/** Tags and aliases that no one set at creation start absent. */
const defaultInitial = (register: Register): string | undefined =>
  register.startsWith('tag ') || register.startsWith('alias ') ? ABSENT : undefined;

/**
 * Judges every register the history wrote, plus those with an initial value, against `observe`
 * (which returns the register's value in the state under test). Returns the problems found.
 */
export function judgeAll(history: History, observe: (register: Register) => string): string[] {
  const byRegister = history.writesByRegister();
  const all = new Set<Register>([...history.initial.keys(), ...byRegister.keys()]);
  const problems: string[] = [];
  for (const register of [...all].sort()) {
    const problem = judgeRegister(
      register,
      observe(register),
      byRegister.get(register) ?? [],
      history.initial.get(register) ?? defaultInitial(register),
    );
    if (problem) problems.push(problem);
  }
  return problems;
}
