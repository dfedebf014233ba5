// A network HSM stand-in: Debian's `p11-kit server` serves the test token's SoftHSM module on a
// unix socket, and QKMS loads p11-kit's client module. Killing the server's process group cuts
// the connection (the server forks a `p11-kit-remote` per client, so killing only the listener
// would leave our connection served); SIGSTOP makes every call over it hang.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { eventually } from './eventually';

export const P11_KIT_CLIENT_MODULE = '/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so';
const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export class P11KitServer {
  private child: ChildProcess | null = null;

  constructor(
    private readonly socketPath: string,
    private readonly tokenLabel: string,
    private readonly env: Record<string, string>,
  ) {}

  /** The value QKMS's environment needs in P11_KIT_SERVER_ADDRESS. */
  get address(): string {
    return `unix:path=${this.socketPath}`;
  }

  async start(): Promise<void> {
    rmSync(this.socketPath, { force: true });
    // Its own process group, so that one signal reaches the listener and its per-client forks.
    this.child = spawn(
      'p11-kit',
      [
        'server',
        '--foreground',
        '--name',
        this.socketPath,
        '--provider',
        SOFTHSM_MODULE,
        `pkcs11:token=${this.tokenLabel}`,
      ],
      { env: { ...process.env, ...this.env }, detached: true, stdio: 'ignore' },
    );
    const listening = await eventually(
      async () => existsSync(this.socketPath) || undefined,
      10_000,
    );
    if (!listening) throw new Error(`p11-kit server did not create ${this.socketPath}`);
  }

  /** Sends a signal to the whole server process group. */
  signal(signal: NodeJS.Signals): void {
    if (!this.child?.pid) throw new Error('the p11-kit server is not running');
    process.kill(-this.child.pid, signal);
  }

  /** The HSM goes away: the server and every connection it serves die at once. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
    }
  }
}
