// Makes the throwaway SoftHSM test token (one demo key per key spec, created through QKMS
// itself) and tells the test files where it is through the environment (jest workers inherit
// it). Shared by the global setups of the projects that need a token.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoKeys, prepareDevToken } from '../../src/cli/dev-token';
import { loadConfig } from '../../src/config/load';
import { startGateway } from '../../src/gateway';
import { createLogger } from '../../src/log/logger';
import { TEST_TOKEN_LABEL } from './test-token';

export async function createTestToken(): Promise<void> {
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
  const gateway = await startGateway(config, pin, createLogger('silent'));
  try {
    await ensureDemoKeys(gateway.catalog, gateway.store, gateway.capabilities);
  } finally {
    await gateway.close();
  }
}
