// Removes the throwaway token and PostgreSQL server made by global-setup.ts.

import { rmSync } from 'node:fs';
import { testPostgres } from './postgres-server';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.QKMS_TEST_DATA_DIR;
  if (dir && dir.includes('qkms-test-')) rmSync(dir, { recursive: true, force: true });
  if (process.env.QKMS_TEST_PG_DIR) {
    testPostgres().remove();
    delete process.env.QKMS_TEST_PG_DIR;
  }
}
