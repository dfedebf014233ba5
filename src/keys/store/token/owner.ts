// Who owns a key creation in progress, and whether that owner still lives. A process on this
// host is identified by pid and start time (/proc/<pid>/stat field 22), so a reused pid is not
// taken for the original; within a process, by the store instance (tests and tools may open
// several). A creation started on another host cannot be checked from here: it is presumed
// alive for REMOTE_GRACE_SECONDS, far longer than any key generation.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { IntentOwner } from './records';

export const REMOTE_GRACE_SECONDS = 3600;

/** The start time of `pid` in clock ticks since boot, '' where /proc cannot tell, null if gone. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    try {
      process.kill(pid, 0);
      return '';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? '' : null;
    }
  }
}

/** Store instances open in this process. */
const live = new Set<string>();

/** A new owner identity for a store instance of this process; live until `retireOwner`. */
export function newOwner(): IntentOwner {
  const owner = {
    host: hostname(),
    pid: process.pid,
    started: startTime(process.pid) ?? '',
    instance: randomUUID(),
  };
  live.add(owner.instance);
  return owner;
}

export function retireOwner(owner: IntentOwner): void {
  live.delete(owner.instance);
}

export function sameOwner(a: IntentOwner, b: IntentOwner): boolean {
  return (
    a.host === b.host && a.pid === b.pid && a.started === b.started && a.instance === b.instance
  );
}

/** Whether the process that wrote an intent at `since` (epoch seconds) may still be running. */
export function ownerMayBeAlive(owner: IntentOwner, since: number, now: number): boolean {
  if (owner.host !== hostname()) return now - since < REMOTE_GRACE_SECONDS;
  if (owner.pid === process.pid && owner.started === (startTime(process.pid) ?? ''))
    return live.has(owner.instance);
  const started = startTime(owner.pid);
  if (started === null) return false;
  // Where /proc cannot tell (ProtectProc=invisible hides another user's processes), a living
  // pid may be a reused one: trust it only as long as any key generation could take.
  if (started === '' || owner.started === '') return now - since < REMOTE_GRACE_SECONDS;
  return started === owner.started;
}

export const describeOwner = (owner: IntentOwner): string => `${owner.host} pid ${owner.pid}`;
