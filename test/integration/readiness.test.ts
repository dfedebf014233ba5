// /readyz says 503 until start-up has finished: the capability probe (a sign and verify with
// every algorithm) passed, the keys are loaded, and the API listens.

import { loadConfig } from '../../src/config/load';
import { startGateway } from '../../src/gateway';
import { createLogger } from '../../src/log/logger';
import { freePort } from '../support/daemon';
import { testTokenEnv } from '../support/test-token';

it('is not ready while starting, ready once serving, not ready once closing', async () => {
  const metricsPort = await freePort();
  const env = { ...testTokenEnv(), QKMS_METRICS_PORT: String(metricsPort) };
  process.env.SOFTHSM2_CONF = testTokenEnv().SOFTHSM2_CONF;
  const { config, pin } = loadConfig(undefined, env);
  const readyz = async () => (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status;
  let duringStartup: number | undefined;
  const gateway = await startGateway(config, pin, createLogger('silent'), {
    // Runs after the probe and the key catalog, before the API listens.
    prepare: async () => {
      duringStartup = await readyz();
    },
  });
  try {
    expect(duringStartup).toBe(503);
    expect(await readyz()).toBe(200);
  } finally {
    const closing = gateway.close();
    expect(await readyz().catch(() => 503)).toBe(503);
    await closing;
  }
}, 60_000);
