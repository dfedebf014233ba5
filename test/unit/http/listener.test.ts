// The API listener's slow-client limits: the whole request within http.requestTimeoutMs, the
// headers within a third of it, and Node told to check them often enough that a slow client is
// cut within a tenth of the headers limit (at most a second) after a limit passes.

import { requestTimeouts } from '../../../src/http/listener';

it.each([1000, 3000, 30_000, 600_000])('checks the limits of %i ms often enough', (ms) => {
  const { requestTimeout, headersTimeout, connectionsCheckingInterval } = requestTimeouts(ms);
  expect(requestTimeout).toBe(ms);
  expect(headersTimeout).toBe(Math.ceil(ms / 3));
  expect(connectionsCheckingInterval).toBeLessThanOrEqual(1000);
  expect(connectionsCheckingInterval).toBeLessThanOrEqual(
    Math.ceil((headersTimeout as number) / 10),
  );
  expect(connectionsCheckingInterval).toBeGreaterThan(0);
});

it('checks every second with the default of 30 s', () => {
  expect(requestTimeouts(30_000)).toEqual({
    requestTimeout: 30_000,
    headersTimeout: 10_000,
    connectionsCheckingInterval: 1000,
  });
});
