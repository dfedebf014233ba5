// QKMS_DEV_KEYS as `qkms dev` reads it and the testcontainers module writes it: every malformed
// entry is named in the error, and what the module writes reads back as it was.

import { DevKeysError, formatDevKeys, parseDevKeys } from '../../../src/cli/dev-keys';

function problemsOf(value: string): readonly string[] {
  try {
    parseDevKeys(value);
  } catch (err) {
    if (err instanceof DevKeysError) return err.problems;
    throw err;
  }
  throw new Error(`${value} was accepted`);
}

describe('QKMS_DEV_KEYS', () => {
  it('reads keys and aliases, in order, with blanks and spaces around entries ignored', () => {
    expect(
      parseDevKeys(
        ' alias/app=ECC_NIST_P256, alias/mac = HMAC_256,\nalias/app-current=alias/app,, ',
      ),
    ).toEqual({
      keys: [
        { alias: 'alias/app', spec: 'ECC_NIST_P256' },
        { alias: 'alias/mac', spec: 'HMAC_256' },
      ],
      aliases: [{ alias: 'alias/app-current', target: 'alias/app' }],
    });
  });

  it('reads a key usage after the spec, and leaves it out where none is written', () => {
    const value =
      'alias/inbox=RSA_2048:ENCRYPT_DECRYPT,alias/ecdh=ECC_NIST_P384:KEY_AGREEMENT,alias/sym=SYMMETRIC_DEFAULT,alias/signer=RSA_2048:SIGN_VERIFY';
    const read = parseDevKeys(value);
    expect(read.keys).toEqual([
      { alias: 'alias/inbox', spec: 'RSA_2048', usage: 'ENCRYPT_DECRYPT' },
      { alias: 'alias/ecdh', spec: 'ECC_NIST_P384', usage: 'KEY_AGREEMENT' },
      { alias: 'alias/sym', spec: 'SYMMETRIC_DEFAULT' },
      { alias: 'alias/signer', spec: 'RSA_2048', usage: 'SIGN_VERIFY' },
    ]);
    expect(formatDevKeys(read)).toBe(value);
  });

  it('names a usage the spec does not take', () => {
    expect(
      problemsOf(
        'alias/k=ECC_SECG_P256K1:KEY_AGREEMENT,alias/h=HMAC_256:SIGN_VERIFY:X,alias/r=RSA_2048:ENCRYPT',
      ),
    ).toEqual([
      'QKMS_DEV_KEYS entry "alias/k=ECC_SECG_P256K1:KEY_AGREEMENT": ECC_SECG_P256K1 keys take key usage SIGN_VERIFY, not KEY_AGREEMENT',
      'QKMS_DEV_KEYS entry "alias/h=HMAC_256:SIGN_VERIFY:X": HMAC_256 keys take key usage GENERATE_VERIFY_MAC, not SIGN_VERIFY:X',
      'QKMS_DEV_KEYS entry "alias/r=RSA_2048:ENCRYPT": RSA_2048 keys take key usage SIGN_VERIFY or ENCRYPT_DECRYPT, not ENCRYPT',
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(parseDevKeys(undefined)).toEqual({ keys: [], aliases: [] });
    expect(parseDevKeys(' , ')).toEqual({ keys: [], aliases: [] });
  });

  it('names every bad entry and says what it should be', () => {
    expect(
      problemsOf(
        'alias/ok=RSA_2048,alias/rsa=RSA_1024,app=ECC_NIST_P256,alias/x,alias/aws/s3=HMAC_256,alias/ok=HMAC_512,alias/self=alias/self,alias/sp ace=RSA_2048',
      ),
    ).toEqual([
      'QKMS_DEV_KEYS entry "alias/rsa=RSA_1024": RSA_1024 is neither a key spec (SYMMETRIC_DEFAULT, RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, SM2, ML_DSA_44, ML_DSA_65, ML_DSA_87, HMAC_224, HMAC_256, HMAC_384, HMAC_512) nor an alias (alias/…)',
      'QKMS_DEV_KEYS entry "app=ECC_NIST_P256": Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
      'QKMS_DEV_KEYS entry "alias/x": write ALIAS=KEY_SPEC or ALIAS=KEY_SPEC:KEY_USAGE (a new key) or ALIAS=OTHER_ALIAS (another alias)',
      'QKMS_DEV_KEYS entry "alias/aws/s3=HMAC_256": Alias names beginning with alias/aws/ are reserved for AWS managed keys: alias/aws/s3.',
      'QKMS_DEV_KEYS entry "alias/ok=HMAC_512": alias/ok is named by an earlier entry too',
      'QKMS_DEV_KEYS entry "alias/self=alias/self": an alias cannot name itself',
      "QKMS_DEV_KEYS entry \"alias/sp ace=RSA_2048\": 1 validation error detected: Value 'alias/sp ace' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    ]);
  });

  it('refuses an entry with nothing on one side of "="', () => {
    expect(problemsOf('=RSA_2048,alias/a=')).toEqual([
      'QKMS_DEV_KEYS entry "=RSA_2048": write ALIAS=KEY_SPEC or ALIAS=KEY_SPEC:KEY_USAGE (a new key) or ALIAS=OTHER_ALIAS (another alias)',
      'QKMS_DEV_KEYS entry "alias/a=": write ALIAS=KEY_SPEC or ALIAS=KEY_SPEC:KEY_USAGE (a new key) or ALIAS=OTHER_ALIAS (another alias)',
    ]);
  });

  it('writes keys before aliases, so that each alias entry follows the key it names', () => {
    const value = formatDevKeys({
      keys: [
        { alias: 'alias/a', spec: 'RSA_2048' },
        { alias: 'alias/b', spec: 'HMAC_384' },
      ],
      aliases: [{ alias: 'alias/a-next', target: 'alias/a' }],
    });
    expect(value).toBe('alias/a=RSA_2048,alias/b=HMAC_384,alias/a-next=alias/a');
    expect(formatDevKeys(parseDevKeys(value))).toBe(value);
  });
});
