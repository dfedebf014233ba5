// The QKMS_DEV_* variables read together: defaults, and one ConfigError listing every problem.

import { readDevSettings } from '../../../src/cli/dev-settings';
import { ConfigError } from '../../../src/config/load';

describe('the dev profile variables', () => {
  it('default to demo keys, no extra keys, a generated pair and loopback-only auth none', () => {
    expect(readDevSettings({})).toEqual({
      devKeys: { keys: [], aliases: [] },
      credentials: null,
      demoKeys: true,
      allowUnauthenticatedNetwork: false,
    });
  });

  it('read the flags as true or false', () => {
    const settings = readDevSettings({
      QKMS_DEV_DEMO_KEYS: 'false',
      QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK: 'true',
    });
    expect(settings.demoKeys).toBe(false);
    expect(settings.allowUnauthenticatedNetwork).toBe(true);
  });

  it('list every problem at once, as a configuration error', () => {
    let error: unknown;
    try {
      readDevSettings({
        QKMS_DEV_KEYS: 'alias/a=RSA_1',
        QKMS_DEV_ACCESS_KEY_ID: 'QKMSTESTACCESSKEY1',
        QKMS_DEV_DEMO_KEYS: 'no',
        QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK: '1',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^QKMS_DEV_KEYS entry "alias\/a=RSA_1": RSA_1 is neither a key spec/),
      'QKMS_DEV_ACCESS_KEY_ID and QKMS_DEV_SECRET_ACCESS_KEY go together: set both or neither',
      'QKMS_DEV_DEMO_KEYS must be true or false',
      'QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK must be true or false',
    ]);
  });
});
