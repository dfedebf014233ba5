import { keyIdBytesHex, parseKeyReference } from '../../../src/keys/key-reference';
import { aliasArn, keyArn } from '../../../src/keys/arns';

const SCOPE = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';

describe('parseKeyReference', () => {
  it('reads a bare key id', () => {
    expect(parseKeyReference(KEY, SCOPE)).toEqual({ kind: 'keyId', keyId: KEY });
  });

  it('reads a key ARN of this gateway', () => {
    expect(parseKeyReference(`arn:aws:kms:us-east-1:111122223333:key/${KEY}`, SCOPE)).toEqual({
      kind: 'keyId',
      keyId: KEY,
    });
  });

  it('reads an alias name', () => {
    expect(parseKeyReference('alias/my-key', SCOPE)).toEqual({
      kind: 'alias',
      alias: 'alias/my-key',
    });
    expect(parseKeyReference('alias/team/signing_1', SCOPE)).toEqual({
      kind: 'alias',
      alias: 'alias/team/signing_1',
    });
  });

  it('reads an alias ARN of this gateway as the alias name', () => {
    expect(parseKeyReference('arn:aws:kms:us-east-1:111122223333:alias/my-key', SCOPE)).toEqual({
      kind: 'alias',
      alias: 'alias/my-key',
    });
  });

  it('round-trips the ARNs this gateway builds', () => {
    expect(parseKeyReference(keyArn(SCOPE, KEY), SCOPE)).toEqual({ kind: 'keyId', keyId: KEY });
    expect(parseKeyReference(aliasArn(SCOPE, 'alias/x'), SCOPE)).toEqual({
      kind: 'alias',
      alias: 'alias/x',
    });
    expect(keyArn(SCOPE, KEY)).toBe(`arn:aws:kms:us-east-1:111122223333:key/${KEY}`);
    expect(aliasArn(SCOPE, 'alias/x')).toBe('arn:aws:kms:us-east-1:111122223333:alias/x');
  });

  it.each([
    ['another account', `arn:aws:kms:us-east-1:444455556666:key/${KEY}`],
    ['another region', `arn:aws:kms:eu-west-1:111122223333:key/${KEY}`],
    ['another partition', `arn:aws-cn:kms:us-east-1:111122223333:key/${KEY}`],
    ['an alias ARN of another account', 'arn:aws:kms:us-east-1:444455556666:alias/my-key'],
  ])('treats a key in %s as foreign', (_what, text) => {
    expect(parseKeyReference(text, SCOPE)).toEqual({ kind: 'foreign', text });
  });

  it.each([
    ['an empty string', ''],
    ['a truncated UUID', '1234abcd-12ab-34cd-56ef-1234567890a'],
    ['an upper-case UUID', KEY.toUpperCase()],
    ['a UUID without dashes', KEY.replace(/-/g, '')],
    ['a UUID with surrounding space', ` ${KEY}`],
    ['a key ARN whose id is not a UUID', 'arn:aws:kms:us-east-1:111122223333:key/not-a-uuid'],
    ['an ARN of another service', `arn:aws:s3:us-east-1:111122223333:key/${KEY}`],
    ['an ARN with an unknown resource type', `arn:aws:kms:us-east-1:111122223333:grant/${KEY}`],
    ['an ARN with an empty key id', 'arn:aws:kms:us-east-1:111122223333:key/'],
    ['a bare "arn:"', 'arn:'],
    ['an alias name without the prefix', 'my-key'],
    ['a key/ path without ARN', `key/${KEY}`],
  ])('treats %s as malformed', (_what, text) => {
    expect(parseKeyReference(text, SCOPE)).toEqual({ kind: 'malformed', text });
  });

  it('uses the configured partition, region and account', () => {
    const china = { partition: 'aws-cn', region: 'cn-north-1', account: '999988887777' };
    expect(parseKeyReference(`arn:aws-cn:kms:cn-north-1:999988887777:key/${KEY}`, china)).toEqual({
      kind: 'keyId',
      keyId: KEY,
    });
    expect(parseKeyReference(`arn:aws:kms:us-east-1:111122223333:key/${KEY}`, china).kind).toBe(
      'foreign',
    );
  });
});

describe('keyIdBytesHex', () => {
  it('is the 16 bytes of the UUID as hex', () => {
    expect(keyIdBytesHex(KEY)).toBe('1234abcd12ab34cd56ef1234567890ab');
    expect(Buffer.from(keyIdBytesHex(KEY), 'hex').length).toBe(16);
  });
});
