// The host lock with real flock(2): one holder at a time across open file descriptions and
// processes, released by the kernel when its holder is killed, and a change notice that
// watchers hear.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KmsError } from '../../../../../src/errors/kms-error';
import { HostLock, lockFileName } from '../../../../../src/keys/store/token/host-lock';

const TOKEN = { label: 't', manufacturer: 'm', model: 'x', serial: '1', mechanisms: [] };
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'qkms-lock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('names the file after the token, so every process of one token finds the same one', () => {
  expect(lockFileName(TOKEN)).toMatch(/^qkms-metadata-[0-9a-f]{16}\.lock$/);
  expect(lockFileName(TOKEN)).toBe(lockFileName({ ...TOKEN, mechanisms: [1] }));
  expect(lockFileName(TOKEN)).not.toBe(lockFileName({ ...TOKEN, serial: '2' }));
});

it('lets one holder in at a time, and the next one in once it is released', async () => {
  const a = HostLock.open(dir, TOKEN);
  const b = HostLock.open(dir, TOKEN);
  try {
    await a.acquire(1000);
    expect(a.isHeld()).toBe(true);
    const err = await b.acquire(150).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmsError);
    expect((err as KmsError).name).toBe('DependencyTimeoutException');
    const waiting = b.acquire(5000);
    a.release();
    await waiting;
    expect(b.isHeld()).toBe(true);
    b.release();
    expect(a.isHeld()).toBe(false);
  } finally {
    a.close();
    b.close();
  }
});

it('is released when its holder dies by SIGKILL', async () => {
  const lock = HostLock.open(dir, TOKEN);
  // A child that takes the lock the same way and then waits to be killed.
  const script = `
    const { HostLock } = require(${JSON.stringify(join(__dirname, '../../../../../dist/keys/store/token/host-lock.js'))});
    const lock = HostLock.open(${JSON.stringify(dir)}, ${JSON.stringify(TOKEN)});
    lock.acquire(5000).then(() => { process.stdout.write('held\\n'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    expect(lock.isHeld()).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await lock.acquire(1000);
    lock.release();
  } finally {
    child.kill('SIGKILL');
    lock.close();
  }
});

it('tells watchers when another holder announces a change', async () => {
  const writer = HostLock.open(dir, TOKEN);
  const watcher = HostLock.open(dir, TOKEN);
  try {
    const heard = new Promise<void>((resolve) => watcher.watch(resolve));
    await writer.acquire(1000);
    writer.announce(42);
    writer.release();
    await heard;
  } finally {
    writer.close();
    watcher.close();
  }
});

it('says which directory to fix when the lock file cannot be opened', () => {
  expect(() => HostLock.open(join(dir, 'missing'), TOKEN)).toThrow(
    /cannot open the metadata lock file .*missing\/qkms-metadata-[0-9a-f]{16}\.lock \(ENOENT\).*metadata\.lockDir/,
  );
});
