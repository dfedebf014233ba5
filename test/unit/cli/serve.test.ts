// What `qkms serve` exits with after a stop signal: 0 when the gateway closed cleanly, 1 when it
// did not, and a SIGKILL of its own when the token thread is stuck in a PKCS#11 call (Node would
// otherwise wait for that thread forever on exit). The gateway is a stand-in: only close() runs.

import { waitForShutdown } from '../../../src/cli/serve';
import type { Signals } from '../../../src/cli/signals';
import { ShutdownError, type Gateway } from '../../../src/gateway';
import { createLogger } from '../../../src/log/logger';

const quiet = createLogger('silent');
const stopped: Signals = { stopRequested: Promise.resolve('SIGTERM'), onReload: () => undefined };

function closingWith(close: () => Promise<void>): Gateway {
  return { close } as unknown as Gateway;
}

it('exits 0 when everything closed cleanly', async () => {
  const kill = jest.fn();
  const gateway = closingWith(async () => undefined);
  expect(await waitForShutdown(gateway, stopped, quiet, kill)).toBe(0);
  expect(kill).not.toHaveBeenCalled();
});

it('exits 1 when the token could not be closed cleanly', async () => {
  const kill = jest.fn();
  const gateway = closingWith(() =>
    Promise.reject(
      new ShutdownError(['closing the token failed (close: CKR_DEVICE_ERROR)'], false),
    ),
  );
  expect(await waitForShutdown(gateway, stopped, quiet, kill)).toBe(1);
  expect(kill).not.toHaveBeenCalled();
});

it('exits 1 after an unexpected failure to close', async () => {
  const gateway = closingWith(() => Promise.reject(new Error('boom')));
  expect(await waitForShutdown(gateway, stopped, quiet, jest.fn())).toBe(1);
});

it('kills its own process when the token thread is stuck in a PKCS#11 call', async () => {
  const kill = jest.fn();
  const gateway = closingWith(() =>
    Promise.reject(new ShutdownError(['the token did not close within 10000 ms'], true)),
  );
  await waitForShutdown(gateway, stopped, quiet, kill);
  expect(kill).toHaveBeenCalledTimes(1);
});
