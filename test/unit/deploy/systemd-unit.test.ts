// deploy/systemd/qkms.service: systemd itself checks it (`systemd-analyze verify`, and the
// offline `security` exposure score), and it keeps the properties we promise: dedicated user,
// hardening, PIN as a credential, reload on SIGHUP, no restart after a refused PIN.
//
// `verify` wants ExecStart's binary to exist. The unit names /usr/bin/node; the copy checked
// here names the node running this test instead, the only line that differs.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load';
import { STOP_LIMIT_MS } from '../../../src/cluster/primary';

const UNIT = readFileSync(
  join(__dirname, '..', '..', '..', 'deploy', 'systemd', 'qkms.service'),
  'utf8',
);
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const describeWithAnalyze = (name: string, fn: () => void): void =>
  hasAnalyze
    ? describe(name, fn)
    : describe.skip(`${name} — SKIPPED: systemd-analyze is not installed`, fn);

function analyze(
  unitText: string,
  args: string[],
): { status: number | null; stderr: string; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'qkms-unit-'));
  try {
    const file = join(dir, 'qkms.service');
    writeFileSync(
      file,
      unitText.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `),
    );
    const run = spawnSync('systemd-analyze', [...args, file], { encoding: 'utf8', cwd: dir });
    return { status: run.status, stderr: run.stderr, stdout: run.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every value a directive has in [Service] (directives may repeat). */
function directive(name: string): string[] {
  return [...UNIT.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1] as string);
}

describeWithAnalyze('systemd-analyze', () => {
  it('verifies the unit without a single complaint', () => {
    const result = analyze(UNIT, ['verify', '--man=no']);
    expect(result).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it('would complain about a misspelt directive (the check above can fail)', () => {
    const result = analyze(UNIT.replace('NoNewPrivileges=', 'NoNewPrivilege='), [
      'verify',
      '--man=no',
    ]);
    expect(result.stderr).toContain("Unknown key 'NoNewPrivilege'");
  });

  it("rates the unit's exposure as low (offline security analysis)", () => {
    const result = analyze(UNIT, ['security', '--offline=true', '--no-pager']);
    const score = /Overall exposure level for qkms\.service: ([\d.]+)/.exec(result.stdout);
    expect(score).not.toBeNull();
    expect(Number(score?.[1])).toBeLessThanOrEqual(2.0);
  });
});

describe('qkms.service', () => {
  it('runs the gateway as its own unprivileged user', () => {
    expect(directive('User')).toEqual(['qkms']);
    expect(directive('Group')).toEqual(['qkms']);
    expect(directive('ExecStart')).toEqual([
      '/usr/bin/node /opt/qkms/dist/cli/main.js serve --config /etc/qkms/qkms.yaml',
    ]);
  });

  it('is hardened', () => {
    for (const [name, value] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['PrivateDevices', 'yes'],
      ['CapabilityBoundingSet', ''],
      ['AmbientCapabilities', ''],
      ['RestrictSUIDSGID', 'yes'],
      ['SystemCallArchitectures', 'native'],
      ['UMask', '0077'],
    ]) {
      expect({ name, values: directive(name as string) }).toEqual({ name, values: [value] });
    }
    // Node's JIT needs writable+executable memory: turning this on would kill the daemon.
    expect(directive('MemoryDenyWriteExecute')).toEqual([]);
  });

  it('hands the PIN over as a systemd credential and never as an environment value', () => {
    expect(directive('LoadCredential')).toEqual(['pin:/etc/qkms/pin']);
    expect(directive('Environment')).toContain('QKMS_PIN_FILE=%d/pin');
    expect(UNIT).not.toMatch(/QKMS_PIN=/);
  });

  it('reloads with SIGHUP, drains on SIGTERM and does not restart after a refused PIN', () => {
    expect(directive('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(directive('KillSignal')).toEqual(['SIGTERM']);
    expect(directive('RestartPreventExitStatus')).toEqual(['78']);
    // systemd's SIGKILL only after QKMS's own bound (the primary's, with workers).
    expect(Number(directive('TimeoutStopSec')[0])).toBeGreaterThanOrEqual(STOP_LIMIT_MS / 1000);
    // An unclean shutdown (exit 1, or QKMS's own SIGKILL when the HSM hangs) is restarted.
    expect(directive('Restart')).toEqual(['on-failure']);
  });

  it('makes the key-metadata lock directory the production example names, kept across restarts', () => {
    expect(directive('RuntimeDirectory')).toEqual(['qkms']);
    expect(directive('RuntimeDirectoryPreserve')).toEqual(['yes']);
    const example = loadConfig(
      readFileSync(join(__dirname, '..', '..', '..', 'config', 'production.example.yaml'), 'utf8'),
      { QKMS_PIN: 'x', QKMS_CREDENTIALS: 'principals: {}' },
    );
    expect(example.config.metadata.lockDir).toBe('/run/qkms');
  });
});
