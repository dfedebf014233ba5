// What `qkms dev` prints once it serves: the keys this start made, a command that works on this
// token (a demo key's signature, or the alias list when there are no demo keys), and how
// requests authenticate. It names the credentials file and never holds the pair itself.

import { devBanner, type DevBannerFacts } from '../../../src/cli/dev-banner';

const facts: DevBannerFacts = {
  url: 'http://127.0.0.1:8080',
  dataDir: '/d',
  awsCredentialsFile: '/d/aws-credentials',
  region: 'us-east-1',
  authenticated: true,
  demoKeys: ['RSA_2048', 'ECC_NIST_P256'],
  devKeys: ['alias/app'],
  aliases: ['alias/app', 'alias/demo-ecc-nist-p256', 'alias/demo-rsa-2048'],
  self: 'node dist/cli/main.js',
};

describe('the dev banner', () => {
  it('lists the demo keys and the QKMS_DEV_KEYS aliases made, and signs with the demo P-256 key', () => {
    const text = devBanner(facts);
    expect(text).toContain('Created demo keys: RSA_2048, ECC_NIST_P256\n');
    expect(text).toContain('Created from QKMS_DEV_KEYS: alias/app\n');
    expect(text).toContain(
      'Requests must be signed (SigV4) with the dev credentials in /d/aws-credentials:',
    );
    expect(text).toContain('--key-id alias/demo-ecc-nist-p256');
  });

  it('says nothing was made on a later start, and lists aliases when there is no demo key', () => {
    const text = devBanner({ ...facts, demoKeys: [], devKeys: [], aliases: ['alias/app'] });
    expect(text).not.toContain('Created');
    expect(text).not.toContain('aws kms sign');
    expect(text).toContain('  aws kms list-aliases --endpoint-url http://127.0.0.1:8080\n');
  });

  it('says so when authentication is off', () => {
    const text = devBanner({ ...facts, authenticated: false });
    expect(text).toContain('Authentication is OFF (QKMS_AUTH_MODE=none)');
    expect(text).not.toContain('Requests must be signed');
  });
});
