// What the kernel knows about a process: CPU time used and peak resident memory. Read from
// /proc so the numbers cover native threads (the token thread, libuv's pool) too.

import { readFileSync, writeFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User + system CPU seconds of a process, all threads included. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** VmHWM (peak RSS) in MiB. */
export function peakRssMiB(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Current RSS in MiB. */
export function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Resets VmHWM to the current RSS (Linux clear_refs 5), so the next peak is this phase's own. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The pids of a process's children (cluster workers), from /proc. */
export function childPids(pid) {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks === '' ? [] : tasks.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU seconds the whole machine spent busy (all cores, every process) and stolen by the
 * hypervisor, from /proc/stat. The bench subtracts its own processes to see background load.
 */
export function machineCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS };
}

/**
 * What the machine does while the caller does nothing: `ms` of /proc/stat, in cores busy and
 * stolen (run.mjs's background sampling, for the other bench scripts).
 */
export async function sampleBackground(ms = 1000) {
  const a = machineCpu();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineCpu();
  const seconds = ms / 1000;
  return {
    busyCores: Number(((b.busy - a.busy) / seconds).toFixed(2)),
    stealCores: Number(((b.steal - a.steal) / seconds).toFixed(2)),
  };
}
