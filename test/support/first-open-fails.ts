// A PKCS#11 module for tests that forwards to SoftHSM but hides the token from chosen processes
// in their first PKCS#11 context, as SoftHSM does to a process that opens it while another is
// rewriting its files (native/first-open-fails.c). Every process that initialises the module
// takes a numbered ticket holding its pid: the record of who opened the token, in order.

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildShim } from './native-shims';

/** Compiles the module into `dir`; returns its path. */
export const buildFirstOpenFails = (dir: string): string => buildShim('first-open-fails', dir);

/**
 * The daemon's environment for the module: `fail` names the tickets whose first context sees no
 * token ("3": the third process to open it; "2+": every one after the first).
 */
export function firstOpenFailsEnv(
  modulePath: string,
  ticketsDir: string,
  fail: string,
): Record<string, string> {
  mkdirSync(ticketsDir, { recursive: true });
  return {
    QKMS_PKCS11_MODULE: modulePath,
    QKMS_SHIM_TICKETS: ticketsDir,
    QKMS_SHIM_FAIL: fail,
  };
}

/** Ticket number → pid of the process that took it. */
export function readTickets(ticketsDir: string): Map<number, number> {
  const tickets = new Map<number, number>();
  for (const name of readdirSync(ticketsDir)) {
    tickets.set(Number(name), Number(readFileSync(join(ticketsDir, name), 'utf8').trim()));
  }
  return tickets;
}
