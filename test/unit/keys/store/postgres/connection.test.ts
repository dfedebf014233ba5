// How the PostgreSQL store tells "the database cannot be reached" (retryable, the connection is
// dropped) from a refused statement or an answer: by code, never by message text a user wrote.

import { KmsError } from '../../../../../src/errors/kms-error';
import {
  clientConfig,
  isConnectionError,
  quoteIdent,
} from '../../../../../src/keys/store/postgres/connection';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

it('counts lost connections, shutdowns, timeouts and refused sockets', () => {
  for (const code of [
    '08006',
    '08001',
    '57P01',
    '57P03',
    '53300',
    '57014',
    '55P03',
    'ECONNREFUSED',
    'ECONNRESET',
  ])
    expect({ code, lost: isConnectionError(withCode(code)) }).toEqual({ code, lost: true });
  expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
});

it('does not count refused statements, or answers whose text mentions a timeout', () => {
  expect(isConnectionError(withCode('23505', 'duplicate key value'))).toBe(false);
  expect(isConnectionError(withCode('42601', 'syntax error'))).toBe(false);
  const answer = new KmsError(
    'AlreadyExistsException',
    'An alias with the name alias/timeout already exists',
  );
  expect(isConnectionError(answer)).toBe(false);
  expect(isConnectionError(new Error('alias/connection-closed is not found'))).toBe(false);
});

it('quotes the schema and keeps the password out of the settings object', () => {
  expect(quoteIdent('user')).toBe('"user"');
  const config = clientConfig(
    {
      url: 'postgres://qkms@db.example:6543/meta',
      tls: 'verify-full',
      schema: 'qkms',
      poolSize: 4,
      connectTimeoutMs: 2000,
      statementTimeoutMs: 5000,
      maxStaleSeconds: 30,
    },
    { reveal: () => 'db-secret' } as never,
  );
  expect(config).toMatchObject({ host: 'db.example', port: 6543, user: 'qkms', database: 'meta' });
  expect(config.ssl).toMatchObject({ rejectUnauthorized: true, servername: 'db.example' });
  expect(JSON.stringify(config)).not.toContain('db-secret');
  expect((config.password as () => string)()).toBe('db-secret');
});
