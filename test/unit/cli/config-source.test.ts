// Where `qkms keys` and `qkms metadata` find their settings: a `qkms dev` data directory
// (--data-dir) or a config file and QKMS_* variables; never with SigV4 credentials, which a
// command that serves nothing has no use for.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadToAdminister } from '../../../src/cli/config-source';
import { devProfileEnv } from '../../../src/cli/dev-profile';
import { DEV_TOKEN_LABEL, SOFTHSM_MODULE } from '../../../src/cli/dev-token';
import { ConfigError } from '../../../src/config/load';

let dir: string;
const savedSofthsmConf = process.env.SOFTHSM2_CONF;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-config-source-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  if (savedSofthsmConf === undefined) delete process.env.SOFTHSM2_CONF;
  else process.env.SOFTHSM2_CONF = savedSofthsmConf;
});

/** The files `qkms dev` leaves in its data directory that the profile needs. */
function devDir(pin = 'dev-user-pin-1'): string {
  const data = join(dir, 'dev');
  mkdirSync(join(data, 'tokens'), { recursive: true });
  writeFileSync(join(data, 'softhsm2.conf'), `directories.tokendir = ${data}/tokens\n`);
  writeFileSync(join(data, 'user.pin'), `${pin}\n`);
  return data;
}

describe('the dev profile', () => {
  it('names the dev token, its PIN file and a lock beside it', () => {
    expect(devProfileEnv({ dataDir: '/d', pinFile: '/d/user.pin' }, {})).toEqual({
      QKMS_TOKEN_LABEL: DEV_TOKEN_LABEL,
      QKMS_PIN_FILE: '/d/user.pin',
      QKMS_PIN: '',
      QKMS_PKCS11_MODULE: SOFTHSM_MODULE,
      QKMS_METADATA_LOCK_DIR: '/d',
    });
  });

  it('keeps the module and lock directory the environment names', () => {
    const env = { QKMS_PKCS11_MODULE: '/opt/p11.so', QKMS_METADATA_LOCK_DIR: '/run/qkms' };
    expect(devProfileEnv({ dataDir: '/d', pinFile: '/d/user.pin' }, env)).toMatchObject(env);
  });
});

describe('loadToAdminister', () => {
  it('opens the token of a dev data directory without credentials, whatever else is exported', () => {
    const data = devDir();
    const loaded = loadToAdminister(
      { dataDir: data },
      {
        // Left over from another token: none of it may reach the dev token.
        QKMS_PIN: 'another-tokens-pin',
        QKMS_TOKEN_LABEL: 'production',
        QKMS_CONFIG: join(dir, 'missing.yaml'),
        QKMS_AUTH_MODE: 'sigv4',
      },
    );
    expect(loaded.config.pkcs11.tokenLabel).toBe(DEV_TOKEN_LABEL);
    expect(loaded.config.pkcs11.module).toBe(SOFTHSM_MODULE);
    expect(loaded.config.metadata.lockDir).toBe(data);
    expect(loaded.pin.reveal()).toBe('dev-user-pin-1');
    expect(loaded.credentials).toBeNull();
    // SoftHSM reads it from this process's environment when the module initialises.
    expect(process.env.SOFTHSM2_CONF).toBe(join(data, 'softhsm2.conf'));
  });

  it('refuses a directory qkms dev has not set up, saying how to set it up', () => {
    expect(() => loadToAdminister({ dataDir: join(dir, 'nothing') }, {})).toThrow(
      `${join(dir, 'nothing')} holds no qkms dev token (softhsm2.conf and user.pin are missing): run \`qkms dev --data-dir ${join(dir, 'nothing')}\` once to create it`,
    );
  });

  it('reads the config file named by --config, else by QKMS_CONFIG, and no credentials', () => {
    const file = (label: string) => {
      const path = join(dir, `${label}.yaml`);
      writeFileSync(path, `pkcs11:\n  tokenLabel: ${label}\nauth:\n  mode: sigv4\n`);
      return path;
    };
    const env = { QKMS_PIN: '1234', QKMS_CONFIG: file('from-env') };
    expect(loadToAdminister({ config: file('from-flag') }, env).config.pkcs11.tokenLabel).toBe(
      'from-flag',
    );
    const loaded = loadToAdminister({}, env);
    expect(loaded.config.pkcs11.tokenLabel).toBe('from-env');
    expect(loaded.credentials).toBeNull();
  });

  it('takes an empty QKMS_CONFIG as unset, as every QKMS_* variable', () => {
    const env = { QKMS_PIN: '1234', QKMS_TOKEN_LABEL: 'from-variables', QKMS_CONFIG: '' };
    expect(loadToAdminister({}, env).config.pkcs11.tokenLabel).toBe('from-variables');
  });

  it('reports configuration problems as a serving command would', () => {
    expect(() => loadToAdminister({}, { QKMS_TOKEN_LABEL: 't' })).toThrow(ConfigError);
  });
});
