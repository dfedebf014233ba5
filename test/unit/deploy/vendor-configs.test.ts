// The example configs in config/: each loads through our own config loader (the PIN and the
// SigV4 credentials supplied as they would be at run time), names the vendor's PKCS#11 module,
// keeps the PIN out of the file, and points at a section of docs/hsm-vendors.md that exists.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load';

const ROOT = join(__dirname, '..', '..', '..');
const VENDOR_DOC = readFileSync(join(ROOT, 'docs', 'hsm-vendors.md'), 'utf8');
const CREDENTIALS = `principals:
  app:
    - accessKeyId: QKMSEXAMPLEKEY0001
      secretAccessKey: "example-secret-for-the-config-test"
`;

const EXPECTED: Record<string, { module: string; tokenLabel: string }> = {
  'softhsm.yaml': { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'qkms' },
  'thales-luna.yaml': {
    module: '/usr/safenet/lunaclient/lib/libCryptoki2_64.so',
    tokenLabel: 'payments-partition',
  },
  'entrust-nshield.yaml': {
    module: '/opt/nfast/toolkits/pkcs11/libcknfast.so',
    tokenLabel: 'qkms-softcard',
  },
  'utimaco.yaml': { module: '/opt/utimaco/lib/libcs_pkcs11_R3.so', tokenLabel: 'QKMS' },
  'aws-cloudhsm.yaml': { module: '/opt/cloudhsm/lib/libcloudhsm_pkcs11.so', tokenLabel: 'hsm1' },
  'yubihsm2.yaml': {
    module: '/usr/lib/x86_64-linux-gnu/pkcs11/yubihsm_pkcs11.so',
    tokenLabel: 'YubiHSM',
  },
};

/** GitHub-style anchor of each "## heading" in the vendor notes. */
const anchors = new Set(
  [...VENDOR_DOC.matchAll(/^##+ (.+)$/gm)].map((m) =>
    (m[1] as string)
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-'),
  ),
);

it('has an example for SoftHSM and each supported HSM vendor', () => {
  const files = readdirSync(join(ROOT, 'config')).filter((f) => f.endsWith('.yaml'));
  expect(files).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
});

describe.each(Object.entries(EXPECTED))('config/%s', (file, expected) => {
  const text = readFileSync(join(ROOT, 'config', file), 'utf8');

  it('loads through the config loader', () => {
    const { config } = loadConfig(text, { QKMS_PIN: 'placeholder', QKMS_CREDENTIALS: CREDENTIALS });
    expect(config.pkcs11.module).toBe(expected.module);
    expect(config.pkcs11.tokenLabel).toBe(expected.tokenLabel);
    // A non-loopback API is only ever served with TLS in these examples.
    if (!config.listen.host.startsWith('127.')) expect(config.tls?.certFile).toBeDefined();
  });

  it('keeps the PIN out of the file', () => {
    expect(text).not.toMatch(/^\s*pin:/m);
  });
});

const VENDORS = Object.keys(EXPECTED).filter((f) => f !== 'softhsm.yaml');

describe.each(VENDORS)('config/%s (an HSM vendor)', (file) => {
  const text = readFileSync(join(ROOT, 'config', file), 'utf8');

  it('authenticates callers and reads the PIN from the systemd credential', () => {
    const { config } = loadConfig(text, { QKMS_PIN: 'x', QKMS_CREDENTIALS: CREDENTIALS });
    expect(config.pkcs11.pinFile).toBe('/run/credentials/qkms.service/pin');
    expect(config.auth.mode).toBe('sigv4');
  });

  it('links to notes that exist', () => {
    const link = /docs\/hsm-vendors\.md#([a-z0-9-]+)/.exec(text);
    expect(link).not.toBeNull();
    expect(anchors).toContain(link?.[1]);
  });
});
