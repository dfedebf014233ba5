// What QkmsContainer checks before any container exists: aliases, specs and credentials are
// refused by QKMS's own rules at the call that gave them, and the image default and the
// missing-image error say what to build and how.

import { inspect } from 'node:util';
import {
  DEFAULT_QKMS_IMAGE,
  QkmsContainer,
  QkmsImageMissingError,
  defaultQkmsImage,
  qkmsImageBuildCommand,
  type QkmsKeySpec,
} from '../../../src/testcontainers';

describe('QkmsContainer options', () => {
  it('never shows a fixed secret when the builder is printed or serialised', () => {
    const secret = 'never-printed-secret-0123456789';
    const kms = new QkmsContainer('qkms:unit')
      .withCredentials({ accessKeyId: 'QKMSUNITTEST0001', secretAccessKey: secret })
      .withKey({ alias: 'alias/a', spec: 'ECC_NIST_P256' });
    // start() puts the secret in the container's environment; printing must not reach it.
    (kms as unknown as { withEnvironment(e: Record<string, string>): unknown }).withEnvironment({
      QKMS_DEV_SECRET_ACCESS_KEY: secret,
    });
    expect(inspect(kms, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(kms)).not.toContain(secret);
    expect(inspect(kms)).toContain('qkms:unit');
  });

  it('refuses a bad alias or spec when it is given, naming the QKMS_DEV_KEYS entry', () => {
    const kms = new QkmsContainer('qkms:unit').withKey({ alias: 'alias/a', spec: 'RSA_2048' });
    expect(() => kms.withKey({ alias: 'app', spec: 'ECC_NIST_P256' })).toThrow(
      'QKMS_DEV_KEYS entry "app=ECC_NIST_P256": Alias must start with the prefix "alias/".',
    );
    expect(() => kms.withKey({ alias: 'alias/b', spec: 'RSA_1024' as QkmsKeySpec })).toThrow(
      /^QKMS_DEV_KEYS entry "alias\/b=RSA_1024": RSA_1024 is neither a key spec/,
    );
    expect(() => kms.withKey({ alias: 'alias/a', spec: 'HMAC_256' })).toThrow(
      'QKMS_DEV_KEYS entry "alias/a=HMAC_256": alias/a is named by an earlier entry too',
    );
    expect(() => kms.withAlias('alias/a', 'alias/a')).toThrow(
      'alias/a is named by an earlier entry too',
    );
    // A refused option leaves the earlier ones as they were.
    expect(() => kms.withAlias('alias/a-next', 'alias/a')).not.toThrow();
  });

  it('refuses credentials QKMS would refuse, without repeating the secret', () => {
    const secret = 'short';
    let message = '';
    try {
      new QkmsContainer('qkms:unit').withCredentials({
        accessKeyId: 'lower-case-id',
        secretAccessKey: secret,
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      'QKMS_DEV_ACCESS_KEY_ID must be 16–128 upper-case letters and digits; QKMS_DEV_SECRET_ACCESS_KEY must be 16–128 characters, each a letter, a digit or one of + / = . _ - ~',
    );
  });

  it('refuses an auth mode QKMS does not have', () => {
    expect(() => new QkmsContainer('qkms:unit').withAuthMode('mtls' as 'none')).toThrow(
      'unknown QKMS auth mode mtls',
    );
  });
});

describe('the QKMS image', () => {
  it('is qkms:dev unless QKMS_TESTCONTAINERS_IMAGE names another', () => {
    expect(DEFAULT_QKMS_IMAGE).toBe('qkms:dev');
    expect(defaultQkmsImage({})).toBe('qkms:dev');
    expect(defaultQkmsImage({ QKMS_TESTCONTAINERS_IMAGE: 'registry.example/qkms:1' })).toBe(
      'registry.example/qkms:1',
    );
  });

  it('when missing, is named with the command that builds it under that tag', () => {
    const error = new QkmsImageMissingError('qkms:ci');
    expect(error.name).toBe('QkmsImageMissingError');
    expect(error.message).toBe(
      'The QKMS image qkms:ci is not on this Docker engine. Build it at the root of a QKMS checkout: docker build -f deploy/Dockerfile --target dev -t qkms:ci .',
    );
    expect(qkmsImageBuildCommand('qkms:dev')).toBe(
      'docker build -f deploy/Dockerfile --target dev -t qkms:dev .',
    );
  });
});
