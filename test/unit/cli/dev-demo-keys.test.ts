// The demo keys `qkms dev` makes: one per key spec with the spec's first usage (the aliases the
// README and earlier releases name), plus RSA encryption and ECDH keys; each alias names one key.

import { DEMO_KEYS, demoAlias, demoKeyLabel } from '../../../src/cli/dev-token';
import { KEY_SPEC_TABLE, KEY_SPECS } from '../../../src/crypto/key-specs';

describe('demo keys', () => {
  it('keep the spec-named aliases of the signing and MAC keys', () => {
    expect(demoAlias('RSA_2048')).toBe('alias/demo-rsa-2048');
    expect(demoAlias('ECC_NIST_P256')).toBe('alias/demo-ecc-nist-p256');
    expect(demoAlias('ECC_NIST_P256', 'SIGN_VERIFY')).toBe('alias/demo-ecc-nist-p256');
    expect(demoAlias('HMAC_256')).toBe('alias/demo-hmac-256');
  });

  it('add a symmetric key, an RSA encryption key and an ECDH key', () => {
    expect(demoAlias('SYMMETRIC_DEFAULT')).toBe('alias/demo-symmetric');
    expect(demoAlias('RSA_2048', 'ENCRYPT_DECRYPT')).toBe('alias/demo-rsa-encrypt');
    expect(demoAlias('ECC_NIST_P256', 'KEY_AGREEMENT')).toBe('alias/demo-ecdh-p256');
  });

  it('cover every spec once with its first usage, each alias once, each usage one the spec takes', () => {
    for (const spec of KEY_SPECS) {
      expect(
        DEMO_KEYS.filter((k) => k.spec === spec && k.usage === KEY_SPEC_TABLE[spec].keyUsages[0]),
      ).toHaveLength(1);
    }
    expect(new Set(DEMO_KEYS.map((k) => k.alias)).size).toBe(DEMO_KEYS.length);
    for (const key of DEMO_KEYS) expect(KEY_SPEC_TABLE[key.spec].keyUsages).toContain(key.usage);
  });

  it('name no key for a usage without a demo key', () => {
    expect(() => demoAlias('RSA_3072', 'ENCRYPT_DECRYPT')).toThrow(
      'qkms dev makes no RSA_3072 demo key with key usage ENCRYPT_DECRYPT',
    );
  });

  it("are labelled by spec, and by usage where it is not the spec's first", () => {
    const label = (alias: string) => demoKeyLabel(DEMO_KEYS.find((k) => k.alias === alias)!);
    expect(label('alias/demo-rsa-2048')).toBe('RSA_2048');
    expect(label('alias/demo-rsa-encrypt')).toBe('RSA_2048 ENCRYPT_DECRYPT');
  });
});
