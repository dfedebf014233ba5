// The machine a result was measured on, recorded with every run.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';

function softhsmVersion() {
  try {
    return execFileSync('softhsm2-util', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function cpuModel() {
  const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return m ? m[1].trim() : 'unknown';
}

export function machine() {
  return {
    cores: availableParallelism(),
    cpu: cpuModel(),
    kernel: release(),
    node: process.version,
    nodeOpenssl: process.versions.openssl,
    softhsm: softhsmVersion(),
  };
}
