// Process signals, caught from the first moment: a signal that arrives while QKMS is still
// starting must not meet its default action (SIGHUP and SIGTERM end a process). SIGTERM/SIGINT
// ask for one shutdown, however many arrive (systemd and the cluster primary may both send
// one); SIGHUP reloads whatever has been registered by then.

import type { Logger } from '../log/logger';

export interface Signals {
  /** Resolves with the first SIGTERM or SIGINT. */
  readonly stopRequested: Promise<NodeJS.Signals>;
  /** What SIGHUP does from now on. */
  onReload(reload: () => void): void;
}

export function catchSignals(log: Logger): Signals {
  let reload: (() => void) | null = null;
  let requested: NodeJS.Signals | null = null;
  let resolveStop: (signal: NodeJS.Signals) => void = () => undefined;
  const stopRequested = new Promise<NodeJS.Signals>((resolve) => (resolveStop = resolve));
  const stop = (signal: NodeJS.Signals) => {
    if (requested) {
      log.info({ signal, first: requested }, 'already shutting down');
      return;
    }
    requested = signal;
    resolveStop(signal);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    if (reload) reload();
    else log.info('SIGHUP during start-up: nothing to reload yet');
  });
  return { stopRequested, onReload: (fn) => (reload = fn) };
}
