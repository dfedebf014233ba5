// Runs the built `qkms` command as a child process, as an operator would.

import { spawn, type ChildProcess } from 'node:child_process';
import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const QKMS_BIN = join(__dirname, '../../dist/cli/main.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startDaemon(
  args: string[],
  env: Record<string, string>,
  port: number,
  cwd?: string,
): Promise<Daemon> {
  const child = spawn(process.execPath, [QKMS_BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null)
      throw new Error(`qkms exited early (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the qkms command to completion (for commands expected to fail at start-up). */
export function runQkms(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [QKMS_BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * A real @aws-sdk/client-kms for a daemon running with auth.mode none (any credentials do);
 * one attempt per call unless `extra` says otherwise, so tests see each outcome as it is.
 */
export function daemonKms(url: string, extra: Partial<KMSClientConfig> = {}): KMSClient {
  return new KMSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
    maxAttempts: 1,
    ...extra,
  });
}
