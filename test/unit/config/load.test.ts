import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig, loadConfigFile } from '../../../src/config/load';
import { CONFIG_FIELDS } from '../../../src/config/schema';

const PIN = 'pin-7f3a9c-SECRET';
const CREDENTIALS =
  'principals:\n  app:\n    - accessKeyId: QKMSTESTKEY00001\n      secretAccessKey: test-secret-0123456789\n';
const BASE_ENV = { QKMS_PIN: PIN, QKMS_TOKEN_LABEL: 'qkms-test', QKMS_CREDENTIALS: CREDENTIALS };

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('fills every optional setting with its default', () => {
    const { config } = loadConfig(undefined, BASE_ENV);
    expect(config).toEqual({
      auth: { mode: 'sigv4' },
      listen: { host: '127.0.0.1', port: 8080 },
      pkcs11: {
        module: '/usr/lib/softhsm/libsofthsm2.so',
        tokenLabel: 'qkms-test',
        sessions: 8,
        acquireTimeoutMs: 1000,
        callTimeoutMs: 5000,
        readOnly: false,
        selfVerify: 'rsa',
      },
      arn: { partition: 'aws', region: 'us-east-1', account: '111122223333' },
      metadata: {
        refreshSeconds: 5,
        lockTimeoutMs: 10000,
        store: 'token',
        postgres: {
          tls: 'verify-full',
          schema: 'qkms',
          poolSize: 4,
          connectTimeoutMs: 2000,
          statementTimeoutMs: 5000,
          maxStaleSeconds: 30,
        },
      },
      metrics: { host: '127.0.0.1', port: 9464 },
      http: { maxBodyBytes: 65536, requestTimeoutMs: 30000, maxInFlight: 1024 },
      rateLimit: { requestsPerSecond: 0, burst: 0 },
      workers: 1,
      log: { level: 'info' },
      keys: [],
      policy: null,
    });
  });

  it('treats an empty YAML document like no file', () => {
    expect(loadConfig('', BASE_ENV).config.listen.port).toBe(8080);
    expect(loadConfig('# only a comment\n', BASE_ENV).config.listen.port).toBe(8080);
  });

  it('takes workers as a count or auto, and nothing else', () => {
    expect(loadConfig('workers: 3\n', BASE_ENV).config.workers).toBe(3);
    expect(loadConfig(undefined, { ...BASE_ENV, QKMS_WORKERS: 'auto' }).config.workers).toBe(
      'auto',
    );
    expect(loadConfig(undefined, { ...BASE_ENV, QKMS_WORKERS: '2' }).config.workers).toBe(2);
    expect(() => loadConfig('workers: 0\n', BASE_ENV)).toThrow(/workers must be between 1 and 64/);
    expect(() => loadConfig('workers: many\n', BASE_ENV)).toThrow(
      /workers must be auto or an integer/,
    );
  });

  it('takes http.allowedHosts as a YAML list or a comma-separated variable, unset by default', () => {
    expect(loadConfig(undefined, BASE_ENV).config.http.allowedHosts).toBeUndefined();
    expect(
      loadConfig('http:\n  allowedHosts: [kms.example.internal, "kms:8443"]\n', BASE_ENV).config
        .http.allowedHosts,
    ).toEqual(['kms.example.internal', 'kms:8443']);
    expect(
      loadConfig(undefined, { ...BASE_ENV, QKMS_HTTP_ALLOWED_HOSTS: ' a.example , b.example' })
        .config.http.allowedHosts,
    ).toEqual(['a.example', 'b.example']);
    for (const bad of ['http:\n  allowedHosts: []\n', 'http:\n  allowedHosts: [a, 7]\n']) {
      expect(problemsOf(() => loadConfig(bad, BASE_ENV))).toEqual([
        'http.allowedHosts must be a list of non-empty strings',
      ]);
    }
    expect(
      problemsOf(() => loadConfig(undefined, { ...BASE_ENV, QKMS_HTTP_ALLOWED_HOSTS: 'a,,b' })),
    ).toEqual(['QKMS_HTTP_ALLOWED_HOSTS must be a list of non-empty strings']);
    // Each entry must be something a Host header can say.
    expect(
      problemsOf(() =>
        loadConfig(undefined, {
          ...BASE_ENV,
          QKMS_HTTP_ALLOWED_HOSTS: 'https://kms.example.com,kms.example.com,*.example.com',
        }),
      ),
    ).toEqual([
      expect.stringContaining('entry "https://kms.example.com" is not a host name'),
      expect.stringContaining('entry "*.example.com" is not a host name'),
    ]);
  });

  it('freezes the result', () => {
    expect(Object.isFrozen(loadConfig(undefined, BASE_ENV).config)).toBe(true);
  });
});

describe('loadConfig sources', () => {
  const yaml = [
    'listen:',
    '  host: 0.0.0.0',
    '  port: 9000',
    'pkcs11:',
    '  tokenLabel: from-yaml',
    '  sessions: 4',
    '  readOnly: true',
    'arn:',
    '  region: eu-west-1',
    "  account: '444455556666'",
    'log:',
    '  level: debug',
  ].join('\n');

  it('reads settings from YAML', () => {
    const { config } = loadConfig(yaml, { QKMS_AUTH_MODE: 'none', QKMS_PIN: PIN });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.pkcs11.tokenLabel).toBe('from-yaml');
    expect(config.pkcs11.sessions).toBe(4);
    expect(config.pkcs11.readOnly).toBe(true);
    expect(config.arn).toEqual({ partition: 'aws', region: 'eu-west-1', account: '444455556666' });
    expect(config.log.level).toBe('debug');
  });

  it('lets environment variables win over YAML, coercing their text', () => {
    const { config } = loadConfig(yaml, {
      QKMS_AUTH_MODE: 'none',
      QKMS_PIN: PIN,
      QKMS_LISTEN_PORT: '7000',
      QKMS_TOKEN_LABEL: 'from-env',
      QKMS_PKCS11_READ_ONLY: 'false',
      QKMS_REGION: 'ap-south-1',
      QKMS_LOG_LEVEL: 'warn',
    });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 7000 });
    expect(config.pkcs11.tokenLabel).toBe('from-env');
    expect(config.pkcs11.readOnly).toBe(false);
    expect(config.pkcs11.sessions).toBe(4);
    expect(config.arn.region).toBe('ap-south-1');
    expect(config.log.level).toBe('warn');
  });

  it('ignores an empty environment variable', () => {
    expect(
      loadConfig(yaml, { QKMS_AUTH_MODE: 'none', QKMS_PIN: PIN, QKMS_LISTEN_PORT: '' }).config
        .listen.port,
    ).toBe(9000);
  });

  it('has an environment variable for every setting, each one distinct', () => {
    const envs = CONFIG_FIELDS.map((f) => f.env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const env of envs) expect(env).toMatch(/^QKMS_[A-Z0-9_]+$/);
  });
});

describe('loadConfig problems', () => {
  it('lists every problem at once', () => {
    const yaml = [
      'listen:',
      '  port: eighty',
      '  colour: blue',
      'pkcs11:',
      '  pin: "1234"',
      '  sessions: 0',
      'log:',
      '  level: loud',
      'extra: 1',
    ].join('\n');
    const problems = problemsOf(() => loadConfig(yaml, { QKMS_AUTH_MODE: 'none' }));
    expect([...problems].sort()).toEqual(
      [
        'unknown setting listen.colour',
        'pkcs11.pin is not allowed in the config file: give the PIN in QKMS_PIN or in the file named by pkcs11.pinFile',
        'unknown setting extra',
        'listen.port must be an integer',
        'pkcs11.tokenLabel is required (or set QKMS_TOKEN_LABEL)',
        'pkcs11.sessions must be between 1 and 256 (got 0)',
        'log.level must be one of fatal, error, warn, info, debug, trace, silent',
        'no token PIN: set QKMS_PIN or QKMS_PIN_FILE (or pkcs11.pinFile)',
      ].sort(),
    );
  });

  it('puts every problem in the error message, one per line', () => {
    try {
      loadConfig('bogus: 1', { QKMS_AUTH_MODE: 'none' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).toBe(
        'invalid configuration:\n' +
          '  - unknown setting bogus\n' +
          '  - pkcs11.tokenLabel is required (or set QKMS_TOKEN_LABEL)\n' +
          '  - no token PIN: set QKMS_PIN or QKMS_PIN_FILE (or pkcs11.pinFile)',
      );
    }
  });

  it('refuses pkcs11.pin in YAML even when a PIN is given properly', () => {
    expect(problemsOf(() => loadConfig('pkcs11:\n  pin: "1234"\n', BASE_ENV))).toEqual([
      'pkcs11.pin is not allowed in the config file: give the PIN in QKMS_PIN or in the file named by pkcs11.pinFile',
    ]);
  });

  it('names the environment variable when an env value is bad', () => {
    expect(
      problemsOf(() => loadConfig(undefined, { ...BASE_ENV, QKMS_LISTEN_PORT: '80x' })),
    ).toEqual(['QKMS_LISTEN_PORT must be an integer']);
    expect(
      problemsOf(() => loadConfig(undefined, { ...BASE_ENV, QKMS_LISTEN_PORT: '70000' })),
    ).toEqual(['QKMS_LISTEN_PORT must be between 0 and 65535 (got 70000)']);
    expect(
      problemsOf(() =>
        loadConfig(undefined, {
          QKMS_AUTH_MODE: 'none',
          ...BASE_ENV,
          QKMS_PKCS11_READ_ONLY: 'yes',
        }),
      ),
    ).toEqual(['QKMS_PKCS11_READ_ONLY must be true or false']);
    expect(
      problemsOf(() => loadConfig(undefined, { ...BASE_ENV, QKMS_LOG_LEVEL: 'verbose' })),
    ).toEqual(['QKMS_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent']);
  });

  it.each([
    ['a fraction', 'listen:\n  port: 80.5\n', 'listen.port must be an integer'],
    [
      'a negative number below the minimum',
      'pkcs11:\n  acquireTimeoutMs: -5\n',
      'pkcs11.acquireTimeoutMs must be between 1 and 60000 (got -5)',
    ],
    ['a boolean', 'http:\n  maxBodyBytes: true\n', 'http.maxBodyBytes must be an integer'],
    [
      'too large',
      'http:\n  maxBodyBytes: 99999999\n',
      'http.maxBodyBytes must be between 1024 and 16777216 (got 99999999)',
    ],
  ])('refuses an integer setting that is %s', (_what, yaml, problem) => {
    expect(problemsOf(() => loadConfig(yaml, BASE_ENV))).toEqual([problem]);
  });

  it('refuses an empty string for a string setting', () => {
    expect(problemsOf(() => loadConfig("arn:\n  region: ''\n", BASE_ENV))).toEqual([
      'arn.region must be a non-empty string',
    ]);
  });

  it('refuses an account id that is not twelve digits', () => {
    expect(problemsOf(() => loadConfig(undefined, { ...BASE_ENV, QKMS_ACCOUNT: '12345' }))).toEqual(
      ['arn.account must be twelve digits'],
    );
  });

  it('refuses a YAML document that is not a mapping', () => {
    expect(problemsOf(() => loadConfig('- a\n- b\n', BASE_ENV))).toEqual([
      'the config file must be a YAML mapping',
    ]);
  });

  it('refuses YAML that does not parse', () => {
    const problems = problemsOf(() => loadConfig('listen: [unclosed\n', BASE_ENV));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^the config file is not valid YAML: /);
  });

  it('refuses a missing config file by name', () => {
    expect(problemsOf(() => loadConfigFile('/nonexistent/qkms.yaml', BASE_ENV))).toEqual([
      'cannot read the config file /nonexistent/qkms.yaml: ENOENT',
    ]);
  });
});

describe('the token PIN', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qkms-config-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('comes from QKMS_PIN', () => {
    expect(loadConfig(undefined, BASE_ENV).pin.reveal()).toBe(PIN);
  });

  it('comes from the first line of the pin file named in YAML', () => {
    const file = join(dir, 'pin');
    writeFileSync(file, `${PIN}\nsecond line\n`);
    const { pin, config } = loadConfig(`pkcs11:\n  pinFile: ${file}\n`, {
      QKMS_AUTH_MODE: 'none',
      QKMS_TOKEN_LABEL: 't',
    });
    expect(pin.reveal()).toBe(PIN);
    expect(config.pkcs11.pinFile).toBe(file);
  });

  it('comes from the pin file named by QKMS_PIN_FILE, CRLF line ends included', () => {
    const file = join(dir, 'pin.txt');
    writeFileSync(file, `${PIN}\r\n`);
    expect(
      loadConfig(undefined, {
        QKMS_AUTH_MODE: 'none',
        QKMS_TOKEN_LABEL: 't',
        QKMS_PIN_FILE: file,
      }).pin.reveal(),
    ).toBe(PIN);
  });

  it('prefers QKMS_PIN over a pin file', () => {
    const file = join(dir, 'pin');
    writeFileSync(file, 'from-file\n');
    expect(
      loadConfig(undefined, {
        QKMS_AUTH_MODE: 'none',
        ...BASE_ENV,
        QKMS_PIN_FILE: file,
      }).pin.reveal(),
    ).toBe(PIN);
  });

  it('refuses an empty pin file', () => {
    const file = join(dir, 'empty');
    writeFileSync(file, '\n');
    expect(
      problemsOf(() =>
        loadConfig(undefined, {
          QKMS_AUTH_MODE: 'none',
          QKMS_TOKEN_LABEL: 't',
          QKMS_PIN_FILE: file,
        }),
      ),
    ).toEqual([`the PIN file ${file} is empty`]);
  });

  it('refuses an unreadable pin file by its error code, not its content', () => {
    const file = join(dir, 'missing');
    expect(
      problemsOf(() =>
        loadConfig(undefined, {
          QKMS_AUTH_MODE: 'none',
          QKMS_TOKEN_LABEL: 't',
          QKMS_PIN_FILE: file,
        }),
      ),
    ).toEqual([`cannot read the PIN file ${file}: ENOENT`]);
  });

  it('never shows up in JSON, util.inspect or String() of the loaded result', () => {
    const loaded = loadConfig(undefined, BASE_ENV);
    expect(JSON.stringify(loaded)).not.toContain(PIN);
    expect(JSON.stringify(loaded.pin)).toBe('"[redacted]"');
    expect(inspect(loaded, { depth: 10, showHidden: true })).not.toContain(PIN);
    expect(inspect(loaded.pin)).toBe('[redacted]');
    expect(String(loaded)).not.toContain(PIN);
    expect(String(loaded.pin)).toBe('[redacted]');
    expect(`${loaded.pin}`).toBe('[redacted]');
    expect(JSON.stringify(loaded.config)).not.toContain(PIN);
    expect(Object.keys(loaded.pin)).toEqual([]);
  });

  it('never shows up from a pin file either', () => {
    const file = join(dir, 'pin');
    writeFileSync(file, `${PIN}\n`);
    const loaded = loadConfig(undefined, {
      QKMS_AUTH_MODE: 'none',
      QKMS_TOKEN_LABEL: 't',
      QKMS_PIN_FILE: file,
    });
    expect(JSON.stringify(loaded)).not.toContain(PIN);
    expect(inspect(loaded, { depth: 10, showHidden: true })).not.toContain(PIN);
  });

  it('does not appear in the problems of an otherwise bad configuration', () => {
    try {
      loadConfig('bogus: 1\n', { QKMS_AUTH_MODE: 'none', QKMS_PIN: PIN });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as Error).message).not.toContain(PIN);
      expect(inspect(err)).not.toContain(PIN);
    }
  });
});

describe('adopted keys', () => {
  const KEY_A = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const KEY_B = '0f0e0d0c-0b0a-0908-0706-050403020100';

  it('reads a key adopted by label and one adopted by CKA_ID, with defaults', () => {
    const yaml = [
      'keys:',
      `  - keyId: ${KEY_A.toUpperCase()}`,
      '    label: legacy-signing-key',
      '    description: Signs invoices',
      '    aliases: [alias/invoices, alias/team/Billing_1]',
      `  - keyId: ${KEY_B}`,
      '    id: 0A0B0C',
      '    enabled: false',
    ].join('\n');
    expect(loadConfig(yaml, BASE_ENV).config.keys).toEqual([
      {
        keyId: KEY_A,
        label: 'legacy-signing-key',
        description: 'Signs invoices',
        aliases: ['alias/invoices', 'alias/team/Billing_1'],
        enabled: true,
      },
      { keyId: KEY_B, idHex: '0a0b0c', description: '', aliases: [], enabled: false },
    ]);
  });

  it('reports every problem with the adopted keys', () => {
    const yaml = [
      'keys:',
      '  - keyId: not-a-uuid',
      '    label: a',
      `  - keyId: ${KEY_A}`,
      '    id: xyz',
      `  - keyId: ${KEY_A}`,
      '    label: dup',
      '    aliases: [alias/aws/reserved]',
      `  - keyId: ${KEY_B}`,
      '    colour: red',
      '  - just a string',
    ].join('\n');
    expect(problemsOf(() => loadConfig(yaml, BASE_ENV))).toEqual([
      'keys[0].keyId must be a UUID',
      'keys[1].id must be hex bytes (CKA_ID)',
      'keys[1] needs a label or an id to find the key in the token',
      `keys[2].keyId ${KEY_A} appears twice`,
      'keys[2].aliases must be a list of names like alias/my-key (not alias/aws/…)',
      'keys[3] needs a label or an id to find the key in the token',
      'unknown setting keys[3].colour',
      'keys[4] must be a mapping',
    ]);
  });

  it.each([
    ['a name without the alias/ prefix', '[my-key]'],
    ['an empty name', '[alias/]'],
    ['a space in the name', "['alias/my key']"],
    ['a non-list', 'alias/my-key'],
    ['a number in the list', '[42]'],
  ])('refuses aliases with %s', (_what, aliases) => {
    const yaml = `keys:\n  - keyId: ${KEY_A}\n    label: k\n    aliases: ${aliases}\n`;
    expect(problemsOf(() => loadConfig(yaml, BASE_ENV))).toEqual([
      'keys[0].aliases must be a list of names like alias/my-key (not alias/aws/…)',
    ]);
  });

  it('refuses an odd number of hex digits as a CKA_ID', () => {
    const yaml = `keys:\n  - keyId: ${KEY_A}\n    id: abc\n`;
    expect(problemsOf(() => loadConfig(yaml, BASE_ENV))).toEqual([
      'keys[0].id must be hex bytes (CKA_ID)',
      'keys[0] needs a label or an id to find the key in the token',
    ]);
  });

  it('refuses a quoted "false" for enabled and a non-string description', () => {
    const yaml = `keys:\n  - keyId: ${KEY_A}\n    label: k\n    enabled: "false"\n    description: 7\n`;
    expect(problemsOf(() => loadConfig(yaml, BASE_ENV))).toEqual([
      'keys[0].enabled must be true or false',
      'keys[0].description must be a string',
    ]);
  });

  it('refuses one alias on two adopted keys', () => {
    const yaml = `keys:\n  - keyId: ${KEY_A}\n    label: a\n    aliases: [alias/x]\n  - keyId: ${KEY_B}\n    label: b\n    aliases: [alias/x]\n`;
    expect(problemsOf(() => loadConfig(yaml, BASE_ENV))).toEqual([
      'keys[1].aliases: alias/x is already used by keys[0]',
    ]);
  });

  it('refuses keys that are not a list', () => {
    expect(problemsOf(() => loadConfig('keys:\n  a: 1\n', BASE_ENV))).toEqual([
      'keys must be a list',
    ]);
  });
});

describe('credentials', () => {
  it('loads SigV4 credentials from QKMS_CREDENTIALS when auth.mode is sigv4', () => {
    const { credentials } = loadConfig(undefined, BASE_ENV);
    expect(credentials?.lookup('QKMSTESTKEY00001')).toEqual({
      principal: 'app',
      secretAccessKey: 'test-secret-0123456789',
    });
  });

  it('needs credentials for sigv4 and none for auth.mode none', () => {
    const { QKMS_CREDENTIALS: _c, ...env } = BASE_ENV;
    expect(problemsOf(() => loadConfig(undefined, env))).toEqual([
      'auth.mode is sigv4 but no credentials are configured: set auth.credentialsFile (QKMS_CREDENTIALS_FILE) or QKMS_CREDENTIALS',
    ]);
    expect(loadConfig(undefined, { ...env, QKMS_AUTH_MODE: 'none' }).credentials).toBeNull();
  });

  it('reports bad credentials without repeating any secret', () => {
    const doc =
      'principals:\n  app:\n    - accessKeyId: short\n      secretAccessKey: s3cr3t-value-here\n    - accessKeyId: QKMSTESTKEY00002\n      secretAccessKey: tiny\n';
    const problems = problemsOf(() =>
      loadConfig(undefined, { ...BASE_ENV, QKMS_CREDENTIALS: doc }),
    );
    expect(problems).toEqual([
      'credentials: app[0].accessKeyId must be 16–128 upper-case letters and digits',
      'credentials: app[1] (QKMSTESTKEY00002): secretAccessKey must be at least 16 characters',
    ]);
    expect(problems.join(' ')).not.toContain('s3cr3t');
  });

  it('neither needs nor reads credentials when loaded for a command that serves nothing', () => {
    const { QKMS_CREDENTIALS: _c, ...env } = BASE_ENV;
    const loaded = loadConfig(undefined, env, { serving: false });
    expect(loaded.config.auth.mode).toBe('sigv4');
    expect(loaded.credentials).toBeNull();
    // A broken document is not even looked at: the command authenticates no one.
    const broken = { ...env, QKMS_CREDENTIALS: 'principals: [' };
    expect(loadConfig(undefined, broken, { serving: false }).credentials).toBeNull();
    expect(problemsOf(() => loadConfig(undefined, broken)).length).toBeGreaterThan(0);
  });

  it('still checks everything else when loaded for a command that serves nothing', () => {
    const { QKMS_CREDENTIALS: _c, QKMS_PIN: _p, ...env } = BASE_ENV;
    expect(
      problemsOf(() =>
        loadConfig(undefined, { ...env, QKMS_LISTEN_PORT: 'x' }, { serving: false }),
      ),
    ).toEqual([
      'QKMS_LISTEN_PORT must be an integer',
      'no token PIN: set QKMS_PIN or QKMS_PIN_FILE (or pkcs11.pinFile)',
    ]);
  });
});

describe('the PostgreSQL metadata store', () => {
  const base = { QKMS_PIN: '1234', QKMS_AUTH_MODE: 'none', QKMS_TOKEN_LABEL: 't' };
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(undefined, { ...base, ...env });
      return [];
    } catch (err) {
      return [...(err as ConfigError).problems];
    }
  };

  it('needs a URL, refuses a password in it, and a schema that is not a plain identifier', () => {
    expect(problemsOf({ QKMS_METADATA_STORE: 'postgres' })).toEqual([
      'metadata.store is postgres but metadata.postgres.url is not set',
    ]);
    expect(
      problemsOf({
        QKMS_METADATA_STORE: 'postgres',
        QKMS_METADATA_POSTGRES_URL: 'postgres://qkms:s3cret@db/qkms',
        QKMS_METADATA_POSTGRES_SCHEMA: 'x; DROP TABLE y',
      }),
    ).toEqual([
      'metadata.postgres.url must not contain a password: use metadata.postgres.passwordFile or QKMS_METADATA_POSTGRES_PASSWORD',
      'metadata.postgres.schema must be a lower-case SQL identifier of at most 54 letters, digits and _',
    ]);
  });

  it('reads the password from QKMS_METADATA_POSTGRES_PASSWORD, redacted, also with the token store', () => {
    const loaded = loadConfig(undefined, {
      ...base,
      QKMS_METADATA_POSTGRES_URL: 'postgres://qkms@db:5432/qkms',
      QKMS_METADATA_POSTGRES_PASSWORD: 'db-secret',
    });
    expect(loaded.config.metadata.store).toBe('token');
    expect(loaded.postgresPassword?.reveal()).toBe('db-secret');
    expect(JSON.stringify(loaded)).not.toContain('db-secret');
    expect(inspect(loaded, { depth: 10 })).not.toContain('db-secret');
  });
});
