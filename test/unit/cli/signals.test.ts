// Signal handling: one shutdown however many stop signals arrive, and SIGHUP caught from the
// start (reloading whatever has been registered by then). process.emit calls the listeners
// without delivering a real signal.

import { catchSignals } from '../../../src/cli/signals';
import { createLogger } from '../../../src/log/logger';

const quiet = createLogger('silent');

it('asks for one shutdown, with the first stop signal', async () => {
  const signals = catchSignals(quiet);
  process.emit('SIGINT', 'SIGINT');
  process.emit('SIGTERM', 'SIGTERM');
  expect(await signals.stopRequested).toBe('SIGINT');
});

it('catches SIGHUP before anything is registered, then reloads what is', () => {
  const signals = catchSignals(quiet);
  expect(() => process.emit('SIGHUP')).not.toThrow();
  let reloads = 0;
  signals.onReload(() => reloads++);
  process.emit('SIGHUP');
  process.emit('SIGHUP');
  expect(reloads).toBe(2);
});
