// Jest global setup for integration and e2e tests: a throwaway SoftHSM token in a temp
// directory with one demo key per key spec (test-token-setup.ts), and a throwaway PostgreSQL
// server. Test files find them through the environment variables set here (jest workers
// inherit them).

import { createTestToken } from './test-token-setup';
import { exportPostgres, startPostgres } from './postgres-server';

export default async function globalSetup(): Promise<void> {
  if (process.env.QKMS_TEST_DATA_DIR) return; // Already made for another project of this run.
  // One PostgreSQL server for the run; each test file that needs one makes its own database.
  exportPostgres(await startPostgres());
  await createTestToken();
}
