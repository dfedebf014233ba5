// Jest global setup for integration and e2e tests: a throwaway SoftHSM token in a temp
// directory with one demo key per key spec, created through QKMS itself, and a throwaway
// PostgreSQL server. Test files find them through the environment variables set here (jest
// workers inherit them).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoKeys, prepareDevToken } from '../../src/cli/dev-token';
import { loadConfig } from '../../src/config/load';
import { startGateway } from '../../src/gateway';
import { createLogger } from '../../src/log/logger';
import { TEST_TOKEN_LABEL } from './test-token';
import { exportPostgres, startPostgres } from './postgres-server';

export default async function globalSetup(): Promise<void> {
  if (process.env.QKMS_TEST_DATA_DIR) return; // Already made for another project of this run.
  const dataDir = mkdtempSync(join(tmpdir(), 'qkms-test-'));
  const dev = prepareDevToken(dataDir, TEST_TOKEN_LABEL);
  process.env.QKMS_TEST_DATA_DIR = dataDir;
  process.env.QKMS_TEST_PIN_FILE = dev.pinFile;
  const { config, pin } = loadConfig(undefined, {
    QKMS_TOKEN_LABEL: TEST_TOKEN_LABEL,
    QKMS_PIN_FILE: dev.pinFile,
    QKMS_LISTEN_PORT: '0',
    QKMS_AUTH_MODE: 'none',
    QKMS_METRICS_PORT: '0',
    QKMS_METADATA_LOCK_DIR: dataDir,
    QKMS_AUDIT_FILE: join(dataDir, 'audit.log'),
  });
  // One PostgreSQL server for the run; each test file that needs one makes its own database.
  exportPostgres(await startPostgres());
  const gateway = await startGateway(config, pin, createLogger('silent'));
  try {
    await ensureDemoKeys(gateway.catalog, gateway.store, gateway.capabilities);
  } finally {
    await gateway.close();
  }
}
