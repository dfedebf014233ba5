// Removes the throwaway token made by global-setup.ts.

import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.QKMS_TEST_DATA_DIR;
  if (dir && dir.includes('qkms-test-')) rmSync(dir, { recursive: true, force: true });
}
