// Connection settings for the metadata database, from the validated config: host, port, user and
// database from metadata.postgres.url, the password only as a function (node-postgres calls it
// per connection, so it is never kept in a settings object that could be logged), TLS as
// metadata.postgres.tls says (the URL's sslmode is ignored: one setting decides).

import { readFileSync } from 'node:fs';
import type { ClientConfig, PoolConfig } from 'pg';
import type { PostgresConfig } from '../../../config/schema';
import type { Secret } from '../../../config/secret';
import { KmsError } from '../../../errors/kms-error';

export function clientConfig(settings: PostgresConfig, password: Secret | null): ClientConfig {
  const url = new URL(settings.url ?? '');
  const host = decodeURIComponent(url.hostname);
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
              servername: host,
              ...(settings.caFile ? { ca: readFileSync(settings.caFile, 'utf8') } : {}),
            },
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    query_timeout: settings.statementTimeoutMs + 1000,
    application_name: 'qkms',
    keepAlive: true,
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

/** Whether a node-postgres error means "the database cannot be reached" rather than a bad query. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|57P0[1-3]|53300)/.test(code)) return true;
  const message = err instanceof Error ? err.message : String(err);
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|timeout|Connection terminated|connection.*(closed|ended)|not queryable/i.test(
    message,
  );
}
