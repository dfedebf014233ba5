// pkcs11js's async calls run on libuv's thread pool: `qkms serve` sizes it for the session pool
// (pkcs11.sessions + 4) unless UV_THREADPOOL_SIZE is set, so sessions do not queue behind the
// default 4 threads. Node 20's pool threads carry no name of their own, so the test compares the
// daemon's thread count (/proc/<pid>/task, after a burst of signatures) with and without an
// operator-set size: everything else in the process is the same.

import { readdirSync } from 'node:fs';
import { SignCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { daemonKms, freePort, startDaemon } from '../support/daemon';
import { testTokenEnv } from '../support/test-token';

const threads = (pid: number): number => readdirSync(`/proc/${pid}/task`).length;

async function poolAfterBurst(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const daemon = await startDaemon(
    ['serve'],
    { ...testTokenEnv(), QKMS_LISTEN_PORT: String(port), QKMS_PKCS11_SESSIONS: '12', ...env },
    port,
  );
  const kms = daemonKms(daemon.url, { maxAttempts: 5 });
  try {
    await Promise.all(
      Array.from({ length: 24 }, () =>
        kms.send(
          new SignCommand({
            KeyId: demoAlias('RSA_2048'),
            Message: Buffer.from('fill the pool'),
            SigningAlgorithm: 'RSASSA_PSS_SHA_256',
          }),
        ),
      ),
    );
    return threads(daemon.child.pid as number);
  } finally {
    kms.destroy();
    await daemon.stop();
  }
}

it('gives the thread pool one thread per session plus a margin, unless the operator set it', async () => {
  const sized = await poolAfterBurst({}); // 12 sessions: 16 pool threads
  const operatorSet = await poolAfterBurst({ UV_THREADPOOL_SIZE: '6' });
  const libuvDefault = await poolAfterBurst({ UV_THREADPOOL_SIZE: '4' });
  expect(sized - operatorSet).toBe(16 - 6);
  expect(operatorSet - libuvDefault).toBe(6 - 4);
}, 90_000);
