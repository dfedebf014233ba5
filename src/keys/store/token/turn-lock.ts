// Turns for background sweeps of the token store: one lock file per purpose beside the host
// lock, flock(2)ed without waiting. A process that finds it held skips its round (another
// process of this host is doing the work); the kernel releases it when the holder dies, even by
// SIGKILL. Separate from the host lock because the work itself takes the host lock for each
// change it commits.

import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { flockSync } from 'fs-ext';
import type { TokenDescription } from '../../../pkcs11/token-api';
import { lockFileName } from './host-lock';

const busy = (err: unknown): boolean =>
  (err as NodeJS.ErrnoException).code === 'EAGAIN' ||
  (err as NodeJS.ErrnoException).code === 'EWOULDBLOCK';

/** Runs `work` holding the `purpose` turn of this token on this host; null if another has it. */
export async function withTurn<T>(
  dir: string,
  token: TokenDescription,
  purpose: string,
  work: () => Promise<T>,
): Promise<T | null> {
  const path = join(dir, lockFileName(token).replace(/\.lock$/, `.${purpose}.lock`));
  // Opened per turn: flock belongs to the open file description, so two stores of one process
  // (two gateways in a test) also take turns.
  const fd = openSync(path, 'a+', 0o660);
  try {
    try {
      flockSync(fd, 'exnb');
    } catch (err) {
      if (busy(err)) return null;
      throw err;
    }
    try {
      return await work();
    } finally {
      flockSync(fd, 'un');
    }
  } finally {
    closeSync(fd);
  }
}
