// Connection settings for the metadata database, from the validated config: host, port, user and
// database from metadata.postgres.url, the password only as a function (node-postgres calls it
// per connection, so it is never kept in a settings object that could be logged), TLS as
// metadata.postgres.tls says (the URL's sslmode is ignored: one setting decides).

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ClientConfig, PoolConfig } from 'pg';
import type { PostgresConfig } from '../../../config/schema';
import type { Secret } from '../../../config/secret';
import { KmsError } from '../../../errors/kms-error';

/** An identifier for SQL text (the schema name is checked at load time; quoting also covers keywords). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function clientConfig(settings: PostgresConfig, password: Secret | null): ClientConfig {
  const url = new URL(settings.url ?? '');
  const host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ...(password ? { password: () => password.reveal() } : {}),
    ssl:
      settings.tls === 'disable'
        ? false
        : settings.tls === 'require'
          ? { rejectUnauthorized: false }
          : {
              rejectUnauthorized: true,
              // Host names are checked against the certificate; SNI takes no IP addresses.
              ...(isIP(host) ? {} : { servername: host }),
              ...(settings.caFile ? { ca: readFileSync(settings.caFile, 'utf8') } : {}),
            },
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1000,
    application_name: 'qkms',
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    // The server ends what a vanished replica held: an open transaction (and with it the write
    // lock every replica waits for) and, through TCP keepalives, its session and owner lock.
    options: [
      `-c lock_timeout=${settings.statementTimeoutMs}`,
      `-c idle_in_transaction_session_timeout=${settings.statementTimeoutMs * 2 + 10_000}`,
      '-c tcp_keepalives_idle=10',
      '-c tcp_keepalives_interval=5',
      '-c tcp_keepalives_count=3',
    ].join(' '),
  };
}

export function poolConfig(settings: PostgresConfig, password: Secret | null): PoolConfig {
  return { ...clientConfig(settings, password), max: settings.poolSize, idleTimeoutMillis: 30_000 };
}

/** Connection-level failures (no server, lost connection, timeouts): retryable, never a 500 lie. */
export function unreachable(err: unknown): KmsError {
  return new KmsError(
    'DependencyTimeoutException',
    'The key metadata database did not answer. Retry later.',
    err,
  );
}

/** node-postgres's own failures of the connection, which carry no code. */
const CLIENT_FAILURES = [
  'Connection terminated',
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/**
 * Whether a failure means "the database cannot be reached" (rather than a refused statement):
 * by SQLSTATE class 08 (connection), 57P01–03 (shutdown), 53300 (too many connections), 57014
 * (statement timeout), 55P03 (lock timeout), by system error code, or by node-postgres's own
 * connection messages. A KmsError is an answer already, never a connection failure.
 */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof KmsError || !(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    return (
      /^(08|57P0[1-3]$|53300$|57014$|55P03$)/.test(code) ||
      /^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND)$/.test(code)
    );
  }
  return CLIENT_FAILURES.some((text) => err.message.startsWith(text));
}
