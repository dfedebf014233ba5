// The `qkms` command line as an operator meets it: help and version on every command, usage
// errors that name the flag and end with exit 2 before anything runs, parsed values handed to the
// commands, and the exit code of whatever ran. The commands themselves are stand-ins here; the
// e2e test (test/e2e/cli.test.ts) runs the built CLI on a real token.

import { ConfigError } from '../../../src/config/load';
import { StartupError } from '../../../src/gateway';
import { EXIT_CODE_DOCS } from '../../../src/cli/exit-codes';
import { buildProgram, type CliActions } from '../../../src/cli/program';
import { commandPath, forEachCommand } from '../../../src/cli/tree';
import { runCli } from '../../../src/cli/run';
import { VERSION } from '../../../src/version';

function stubs(): jest.Mocked<CliActions> {
  return {
    serve: jest.fn().mockResolvedValue(0),
    dev: jest.fn().mockResolvedValue(0),
    keys: jest.fn().mockResolvedValue(0),
    migrate: jest.fn().mockResolvedValue(0),
  };
}

async function qkms(args: string[], actions: CliActions = stubs()) {
  let out = '';
  let err = '';
  const code = await runCli(args, actions, {
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, out, err };
}

const notCalled = (actions: jest.Mocked<CliActions>) => {
  for (const action of Object.values(actions)) expect(action).not.toHaveBeenCalled();
};

const ALL_COMMANDS = (() => {
  const paths: string[] = [];
  const { root } = buildProgram(stubs(), { out: () => undefined, err: () => undefined });
  forEachCommand(root, (command) => paths.push(commandPath(command)));
  return paths;
})();

describe('help and version', () => {
  it('has every command the deployment files and docs use', () => {
    expect(ALL_COMMANDS).toEqual([
      'qkms',
      'qkms serve',
      'qkms dev',
      'qkms keys',
      'qkms keys list',
      'qkms keys describe',
      'qkms keys create',
      'qkms keys alias',
      'qkms keys import',
      'qkms keys orphans',
      'qkms metadata',
      'qkms metadata migrate',
    ]);
  });

  it.each(ALL_COMMANDS)(
    '"%s --help" prints its own usage and options and exits 0',
    async (path) => {
      const actions = stubs();
      const { code, out, err } = await qkms([...path.split(' ').slice(1), '--help'], actions);
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toMatch(new RegExp(`^Usage: ${path} \\[options\\]`));
      expect(out).toContain('-h, --help');
      expect(out).toContain('-V, --version');
      notCalled(actions);
    },
  );

  it.each(ALL_COMMANDS)('"%s --version" prints the version and exits 0', async (path) => {
    const { code, out } = await qkms([...path.split(' ').slice(1), '--version']);
    expect(code).toBe(0);
    expect(out).toBe(`${VERSION}\n`);
  });

  it('answers -h, and "help COMMAND", as --help', async () => {
    const byFlag = await qkms(['keys', 'create', '--help']);
    expect((await qkms(['keys', 'create', '-h'])).out).toBe(byFlag.out);
    expect(await qkms(['keys', 'help', 'create'])).toEqual(byFlag);
    expect((await qkms(['help', 'serve'])).out).toBe((await qkms(['serve', '--help'])).out);
  });

  it('gives help before checking what the command needs', async () => {
    for (const args of [
      ['keys', 'create', '--help'],
      ['keys', 'describe', '--help'],
      ['metadata', 'migrate', '--spec', 'x', '--help'],
    ]) {
      expect((await qkms(args)).code).toBe(0);
    }
  });

  it('lists every exit code in the top-level help', async () => {
    const { out } = await qkms(['--help']);
    for (const { code } of EXIT_CODE_DOCS)
      expect(out).toMatch(new RegExp(`^  ${code.replace(/[()]/g, '\\$&')} `, 'm'));
  });

  it('shows the environment and examples of a command in its help', async () => {
    const { out } = await qkms(['serve', '--help']);
    expect(out).toContain('Environment:\n  QKMS_CONFIG ');
    expect(out).toContain('UV_THREADPOOL_SIZE');
    expect(out).toContain('Examples:\n  qkms serve --config /etc/qkms/qkms.yaml\n');
    // Wrapped for a terminal.
    for (const line of out
      .split('\n')
      .filter((l) => !l.startsWith('  qkms') && !l.startsWith('  QKMS_PIN_FILE=')))
      expect(line.length).toBeLessThanOrEqual(80);
  });

  it('prints the help on stderr and exits 2 when no command is given', async () => {
    for (const args of [[], ['keys'], ['metadata']]) {
      const actions = stubs();
      const { code, out, err } = await qkms(args, actions);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`Usage: ${['qkms', ...args].join(' ')} [options] [command]`);
      notCalled(actions);
    }
  });
});

describe('usage errors: exit 2, the flag named, the usage hint, nothing run', () => {
  const cases: [string[], string][] = [
    [['serve', '--bogus'], "error: unknown option '--bogus'"],
    [['bogus'], "error: unknown command 'bogus'"],
    [['keys', 'lst'], "error: unknown command 'lst'\n(Did you mean list?)"],
    [
      ['dev', '--port', 'abc'],
      "error: option '--port <port>' argument 'abc' is invalid. Expected a TCP port number from 0 to 65535.",
    ],
    [['dev', '--port', '65536'], "error: option '--port <port>' argument '65536' is invalid."],
    [['dev', '--port'], "error: option '--port <port>' argument missing"],
    [['keys', 'create'], "error: required option '--spec <spec>' not specified"],
    [
      ['keys', 'create', '--spec', 'RSA_1024'],
      "error: option '--spec <spec>' argument 'RSA_1024' is invalid. Allowed choices are SYMMETRIC_DEFAULT, RSA_2048,",
    ],
    [
      ['keys', 'create', '--spec', 'RSA_2048', '--usage', 'ENCRYPT'],
      "error: option '--usage <usage>' argument 'ENCRYPT' is invalid. Allowed choices are SIGN_VERIFY, ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC, KEY_AGREEMENT.",
    ],
    [
      ['keys', 'create', '--spec', 'RSA_2048', '--alias', 'reports'],
      "error: option '--alias <alias>' argument 'reports' is invalid. Alias must start with the prefix \"alias/\".",
    ],
    [
      ['keys', 'create', '--spec', 'RSA_2048', '--alias', 'alias/aws/x'],
      "error: option '--alias <alias>' argument 'alias/aws/x' is invalid. Alias names beginning with alias/aws/ are reserved",
    ],
    [
      ['keys', 'alias', 'wallet', 'k'],
      "error: command-argument value 'wallet' is invalid for argument 'alias'.",
    ],
    [['keys', 'describe'], "error: missing required argument 'key'"],
    [
      ['keys', 'list', 'extra'],
      "error: too many arguments for 'list'. Expected 0 arguments but got 1.",
    ],
    [
      ['keys', 'import'],
      'error: keys import needs --label <label> or --id <hex> to find the key pair',
    ],
    [
      ['keys', 'import', '--id', '0g'],
      "error: option '--id <hex>' argument '0g' is invalid. Expected CKA_ID as hex bytes",
    ],
    [
      ['keys', 'import', '--label', 'l', '--key-id', '123'],
      "error: option '--key-id <uuid>' argument '123' is invalid. Expected a UUID",
    ],
    [
      ['keys', 'list', '--config', 'a.yaml', '--data-dir', 'd'],
      "error: option '--data-dir <dir>' cannot be used with option '--config <file>'",
    ],
    [
      ['metadata', 'migrate', '--from', 'token'],
      "error: required option '--to <store>' not specified",
    ],
    [
      ['metadata', 'migrate', '--from', 'mysql', '--to', 'token'],
      "error: option '--from <store>' argument 'mysql' is invalid. Allowed choices are token, postgres.",
    ],
    [
      ['metadata', 'migrate', '--from', 'token', '--to', 'token'],
      'error: --from and --to must name different stores',
    ],
    [['dev', '--config', 'x.yaml'], "error: unknown option '--config'"],
  ];

  it.each(cases)('%j', async (args, message) => {
    const actions = stubs();
    const { code, out, err } = await qkms(args, actions);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.startsWith(message)).toBe(true);
    // The hint: the usage line of the command that refused, and where its help is.
    const path = err.match(/^usage: (qkms[a-z ]*?) \[options\]/m)?.[1];
    expect(path).toBeDefined();
    expect(args.join(' ').startsWith(path!.replace(/^qkms ?/, ''))).toBe(true);
    expect(err).toContain(`\nSee '${path} --help'.\n`);
    notCalled(actions);
  });

  it('never echoes a value typed into an unknown option', async () => {
    for (const args of [
      ['serve', '--pin=hunter2-secret'],
      ['keys', 'list', '-phunter2-secret'],
    ]) {
      const { code, err } = await qkms(args);
      expect(code).toBe(2);
      expect(err).toContain('unknown option');
      expect(err).not.toContain('hunter2');
    }
  });
});

describe('what the commands receive', () => {
  it('serve: the config file, or none (then QKMS_CONFIG is read when it runs)', async () => {
    const actions = stubs();
    await qkms(['serve', '--config', '/etc/qkms/qkms.yaml'], actions);
    await qkms(['serve', '--config=/etc/qkms/other.yaml'], actions);
    await qkms(['serve'], actions);
    expect(actions.serve.mock.calls).toEqual([
      [{ config: '/etc/qkms/qkms.yaml' }],
      [{ config: '/etc/qkms/other.yaml' }],
      [{}],
    ]);
  });

  it('dev: the defaults, and what scripts/dev.sh and the dev image pass', async () => {
    const actions = stubs();
    await qkms(['dev'], actions);
    await qkms(['dev', '--port', '9090', '--data-dir', '/tmp/qkms'], actions);
    await qkms(['dev', '--data-dir', '/var/lib/qkms', '--port', '0'], actions);
    expect(actions.dev.mock.calls).toEqual([
      [{ dataDir: '.qkms-dev', port: 8080 }],
      [{ dataDir: '/tmp/qkms', port: 9090 }],
      [{ dataDir: '/var/lib/qkms', port: 0 }],
    ]);
  });

  it('keys: each subcommand with its values and its settings source', async () => {
    const actions = stubs();
    const runs: string[][] = [
      ['keys', 'list', '--data-dir', '.qkms-dev'],
      ['keys', 'list', '--config', '/etc/qkms/qkms.yaml'],
      ['keys', 'describe', '--data-dir', 'd', 'alias/demo-rsa-2048'],
      ['keys', 'create', '--spec', 'ECC_NIST_P384', '--alias', 'alias/reports'],
      ['keys', 'create', '--spec=HMAC_256', '--description', 'mac | key'],
      ['keys', 'create', '--spec', 'RSA_2048', '--usage', 'ENCRYPT_DECRYPT'],
      ['keys', 'alias', 'alias/wallet', '5f0c7a9e-3b7d-4c1e-9a55-2a1d8e4b6c10'],
      ['keys', 'import', '--id', '0A1B', '--key-id', '7F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9'],
      ['keys', 'import', '--label', 'made-by-pkcs11-tool', '--alias', 'alias/legacy'],
      ['keys', 'orphans'],
      ['keys', 'orphans', '--remove'],
    ];
    for (const args of runs) expect((await qkms(args, actions)).code).toBe(0);
    expect(actions.keys.mock.calls).toEqual([
      [{ dataDir: '.qkms-dev' }, { name: 'list' }],
      [{ config: '/etc/qkms/qkms.yaml' }, { name: 'list' }],
      [{ dataDir: 'd' }, { name: 'describe', key: 'alias/demo-rsa-2048' }],
      [{}, { name: 'create', spec: 'ECC_NIST_P384', alias: 'alias/reports' }],
      [{}, { name: 'create', spec: 'HMAC_256', description: 'mac | key' }],
      [{}, { name: 'create', spec: 'RSA_2048', usage: 'ENCRYPT_DECRYPT' }],
      [{}, { name: 'alias', alias: 'alias/wallet', key: '5f0c7a9e-3b7d-4c1e-9a55-2a1d8e4b6c10' }],
      // Ids are compared in lower case everywhere.
      [{}, { name: 'import', id: '0a1b', keyId: '7f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' }],
      [{}, { name: 'import', label: 'made-by-pkcs11-tool', alias: 'alias/legacy' }],
      [{}, { name: 'orphans', remove: false }],
      [{}, { name: 'orphans', remove: true }],
    ]);
  });

  it('metadata migrate: both stores and --dry-run', async () => {
    const actions = stubs();
    await qkms(
      [
        'metadata',
        'migrate',
        '--from',
        'token',
        '--to',
        'postgres',
        '--dry-run',
        '--config',
        'q.yaml',
      ],
      actions,
    );
    await qkms(['metadata', 'migrate', '--from', 'postgres', '--to', 'token'], actions);
    expect(actions.migrate.mock.calls).toEqual([
      [{ config: 'q.yaml' }, { from: 'token', to: 'postgres', dryRun: true }],
      [{}, { from: 'postgres', to: 'token', dryRun: false }],
    ]);
  });
});

describe('exit codes of what ran', () => {
  it('passes on the code a command resolves with (serve: 1 after an unclean shutdown)', async () => {
    const actions = stubs();
    actions.serve.mockResolvedValue(1);
    expect((await qkms(['serve'], actions)).code).toBe(1);
    actions.dev.mockResolvedValue(0);
    expect((await qkms(['dev'], actions)).code).toBe(0);
  });

  it('prints a failure as "qkms: …" and exits 1', async () => {
    const actions = stubs();
    actions.keys.mockRejectedValue(
      new ConfigError(['no token PIN: set QKMS_PIN or QKMS_PIN_FILE']),
    );
    const { code, err, out } = await qkms(['keys', 'list'], actions);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(
      'qkms: invalid configuration:\n  - no token PIN: set QKMS_PIN or QKMS_PIN_FILE\n',
    );
  });

  it('exits with the code a start-up failure carries (78: the PIN was refused)', async () => {
    const actions = stubs();
    actions.keys.mockRejectedValue(
      new StartupError('login to token "t" failed with CKR_PIN_INCORRECT.', 78),
    );
    const { code, err } = await qkms(['keys', 'list'], actions);
    expect(code).toBe(78);
    expect(err).toBe('qkms: login to token "t" failed with CKR_PIN_INCORRECT.\n');
  });
});
