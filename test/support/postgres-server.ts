// A throwaway PostgreSQL server for the tests: Debian's PostgreSQL binaries, a new cluster in a
// temp directory (initdb), listening on a free loopback port with password (SCRAM) logins, run
// by the `postgres` user when the tests run as root (PostgreSQL refuses to run as root). Jest's
// global setup starts one (global-setup.ts); test files reach it with testPostgres() and get a
// fresh database each with testDatabase().

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian puts the server binaries (the newest installed major version). */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  readonly port: number;
  readonly dir: string;
  /** The login QKMS uses; its password is in `passwordFile`. */
  readonly user: string;
  readonly passwordFile: string;
  /** A connection URL without the password, for `metadata.postgres.url`. */
  url(database: string): string;
  /** Creates a database owned by the QKMS login. */
  createDatabase(name: string): void;
  /** Runs SQL as the superuser (the test's own inspection, not QKMS's). */
  psql(sql: string, database?: string): string;
  /** Stops the server: `fast` ends sessions cleanly, `immediate` as a crash would. */
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  remove(): void;
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** Runs a server binary, as `postgres` when this process is root. */
function runBin(cmd: string, args: string[]): string {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  const [file, argv] = asRoot()
    ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]]
    : [join(bin, cmd), args];
  const result = spawnSync(file, argv, { encoding: 'utf8', cwd: tmpdir() });
  if (result.status !== 0) throw new Error(`${cmd} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

/** A handle on a server whose files are in `dir` and which listens on `port`. */
function handle(dir: string, port: number): PostgresServer {
  const data = join(dir, 'data');
  const user = 'qkms';
  const superPassword = readFileSync(join(dir, 'super.pw'), 'utf8').trim();
  const options = `-p ${port} -k ${join(dir, 'run')} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
  const psql = (sql: string, database = 'postgres') =>
    execFileSync(
      join(postgresBin() as string, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        database,
        '-v',
        'ON_ERROR_STOP=1',
        '-qAt',
        '-c',
        sql,
      ],
      { env: { ...process.env, PGPASSWORD: superPassword }, encoding: 'utf8' },
    );
  return {
    port,
    dir,
    user,
    passwordFile: join(dir, 'qkms.pw'),
    url: (database) => `postgres://${user}@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => void psql(`CREATE DATABASE "${name}" OWNER ${user}`),
    psql,
    start: () =>
      void runBin('pg_ctl', [
        '-D',
        data,
        '-o',
        options,
        '-l',
        join(dir, 'server.log'),
        '-w',
        'start',
      ]),
    stop: (mode = 'fast') => void runBin('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']),
    remove: () => {
      try {
        runBin('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Not running.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startPostgres(): Promise<PostgresServer> {
  const dir = join(tmpdir(), `qkms-pg-${process.pid}-${randomBytes(4).toString('hex')}`);
  const sockets = join(dir, 'run');
  mkdirSync(sockets, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const superPassword = randomBytes(12).toString('hex');
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'super.pw'), `${superPassword}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'qkms.pw'), `${password}\n`, { mode: 0o644 });
  if (asRoot()) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
    for (const p of [dir, sockets, join(dir, 'super.pw')]) chownSync(p, id('-u'), id('-g'));
  }
  runBin('initdb', [
    '-D',
    join(dir, 'data'),
    '-U',
    'postgres',
    '-A',
    'scram-sha-256',
    `--pwfile=${join(dir, 'super.pw')}`,
    '--no-sync',
  ]);
  const server = handle(dir, await freePort());
  server.start();
  server.psql(`CREATE ROLE ${server.user} LOGIN PASSWORD '${password}'`);
  return server;
}

/** Environment variables through which jest's global setup hands its server to test files. */
const ENV = { dir: 'QKMS_TEST_PG_DIR', port: 'QKMS_TEST_PG_PORT' } as const;

export function exportPostgres(server: PostgresServer): void {
  process.env[ENV.dir] = server.dir;
  process.env[ENV.port] = String(server.port);
}

/** The server jest's global setup started. */
export function testPostgres(): PostgresServer {
  const dir = process.env[ENV.dir];
  const port = Number(process.env[ENV.port]);
  if (!dir || !port) throw new Error('no test PostgreSQL: run through jest (global-setup.ts)');
  return handle(dir, port);
}

let databases = 0;

/** A new, empty database on the test server, and the QKMS_* settings that point at it. */
export function testDatabase(prefix: string): { name: string; env: Record<string, string> } {
  const server = testPostgres();
  const name = `${prefix}_${process.pid}_${++databases}_${randomBytes(3).toString('hex')}`;
  server.createDatabase(name);
  return {
    name,
    env: {
      QKMS_METADATA_STORE: 'postgres',
      QKMS_METADATA_POSTGRES_URL: server.url(name),
      QKMS_METADATA_POSTGRES_PASSWORD_FILE: server.passwordFile,
      QKMS_METADATA_POSTGRES_TLS: 'disable',
    },
  };
}
