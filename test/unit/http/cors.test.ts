// Reading http.cors.allowedOrigins: whole http(s) origins only, normalised to the form browsers
// send in Origin; anything else is a configuration problem naming the entry.

import { ConfigError, loadConfig } from '../../../src/config/load';
import { allowedOriginProblem, parseOrigin } from '../../../src/http/cors';

const ENV = {
  QKMS_PIN: 'pin-cors-test',
  QKMS_TOKEN_LABEL: 'qkms-test',
  QKMS_AUTH_MODE: 'none',
};

describe('parseOrigin', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['HTTPS://Docs.Example.COM', 'https://docs.example.com'],
    ['https://docs.example.com:443', 'https://docs.example.com'],
    ['http://docs.example.com:80/', 'http://docs.example.com'],
    ['https://docs.example.com:8443', 'https://docs.example.com:8443'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('reads %j as %j', (entry, origin) => {
    expect(parseOrigin(entry)).toBe(origin);
  });

  it.each([
    '',
    '*',
    'null',
    'localhost:3000',
    'https://*.example.com',
    'https://docs.example.com/api',
    'https://docs.example.com/?x=1',
    'https://docs.example.com#top',
    'https://user:pass@docs.example.com',
    'ftp://docs.example.com',
    'file:///tmp/site',
    'https://docs.example.com:99999',
    'https://docs example.com',
  ])('refuses %j', (entry) => {
    expect(parseOrigin(entry)).toBeNull();
    expect(allowedOriginProblem(entry)).toContain(
      `entry ${JSON.stringify(entry)} is not an origin`,
    );
  });
});

describe('http.cors.allowedOrigins in the configuration', () => {
  it('is unset by default, and read from YAML or a comma-separated variable', () => {
    expect(loadConfig(undefined, ENV).config.http.cors).toBeUndefined();
    expect(
      loadConfig('http:\n  cors:\n    allowedOrigins: [http://localhost:3000]\n', ENV).config.http
        .cors?.allowedOrigins,
    ).toEqual(['http://localhost:3000']);
    expect(
      loadConfig(undefined, {
        ...ENV,
        QKMS_HTTP_CORS_ALLOWED_ORIGINS: 'http://localhost:3000, http://127.0.0.1:3000',
      }).config.http.cors?.allowedOrigins,
    ).toEqual(['http://localhost:3000', 'http://127.0.0.1:3000']);
  });

  it('lists every entry that is not an origin', () => {
    let problems: readonly string[] = [];
    try {
      loadConfig(undefined, {
        ...ENV,
        QKMS_HTTP_CORS_ALLOWED_ORIGINS: 'https://docs.example.com,*,https://x.example/docs',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringContaining('http.cors.allowedOrigins entry "*" is not an origin'),
      expect.stringContaining('entry "https://x.example/docs" is not an origin'),
    ]);
  });
});
