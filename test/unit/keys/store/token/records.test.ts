// The token store's object formats: what is written reads back the same, a label must match
// what the value says, and records of the first layout (aliases inside the key record) still read.

import type { KeyMetadataRecord } from '../../../../../src/keys/key-record';
import {
  GENERATION_LABEL,
  aliasLabel,
  decodeObject,
  encodeAlias,
  encodeGeneration,
  encodeIntent,
  encodeKey,
  intentLabel,
  keyLabel,
} from '../../../../../src/keys/store/token/records';

const KEY = '1234abcd-12ab-44cd-86ef-1234567890ab';
const RECORD: KeyMetadataRecord = {
  keyId: KEY,
  keySpec: 'ECC_NIST_P256',
  keyUsage: 'SIGN_VERIFY',
  description: 'Signs JWTs — ünïcödé',
  state: 'PendingDeletion',
  creationDate: 1700000000,
  deletionDate: 1702592000,
  origin: 'AWS_KMS',
  tags: [{ TagKey: 'team', TagValue: 'payments' }],
  locator: { idHex: '1234abcd12ab44cd86ef1234567890ab', label: KEY },
};
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

describe('token store objects', () => {
  it('round-trips a key record with its revision', () => {
    expect(decodeObject(keyLabel(KEY), encodeKey(RECORD, 3))).toEqual({
      kind: 'key',
      revision: 3,
      record: RECORD,
    });
  });

  it('round-trips an alias and a tombstone', () => {
    const alias = { name: 'alias/jwt', keyId: KEY, creationDate: 5, lastUpdatedDate: 6 };
    expect(decodeObject('qkms-alias/jwt', encodeAlias('alias/jwt', alias, 2))).toEqual({
      kind: 'alias',
      name: 'alias/jwt',
      revision: 2,
      alias,
    });
    expect(aliasLabel('alias/jwt')).toBe('qkms-alias/jwt');
    expect(decodeObject('qkms-alias/jwt', encodeAlias('alias/jwt', null, 4))).toEqual({
      kind: 'alias',
      name: 'alias/jwt',
      revision: 4,
      alias: null,
    });
  });

  it('round-trips an intent and a generation', () => {
    const owner = { host: 'h', pid: 42, started: '1234', instance: 'i' };
    expect(decodeObject(intentLabel(KEY), encodeIntent(KEY, owner, 9))).toEqual({
      kind: 'intent',
      keyId: KEY,
      owner,
      time: 9,
    });
    const generation = { generation: 7, writing: true, host: 'h', pid: 42, time: 9 };
    expect(decodeObject(GENERATION_LABEL, encodeGeneration(generation))).toEqual({
      kind: 'generation',
      generation,
    });
  });

  it('ignores an object whose label does not match its value, or that it cannot read', () => {
    const other = '99999999-12ab-44cd-86ef-1234567890ab';
    expect(decodeObject(keyLabel(other), encodeKey(RECORD, 1)).kind).toBe('unknown');
    const alias = { name: 'alias/a', keyId: KEY, creationDate: 5, lastUpdatedDate: 6 };
    expect(decodeObject('qkms-alias/b', encodeAlias('alias/a', alias, 1)).kind).toBe('unknown');
    expect(decodeObject(keyLabel(KEY), json({ format: 3, revision: 1, record: RECORD })).kind).toBe(
      'unknown',
    );
    expect(decodeObject(keyLabel(KEY), Buffer.from('not json')).kind).toBe('unknown');
    expect(
      decodeObject(
        keyLabel(KEY),
        json({ format: 2, revision: 1, record: { ...RECORD, locator: {} } }),
      ).kind,
    ).toBe('unknown');
    expect(
      decodeObject(keyLabel(KEY), json({ format: 2, revision: -1, record: RECORD })).kind,
    ).toBe('unknown');
  });

  it('reads a record of the first layout, aliases included', () => {
    const legacy = {
      format: 1,
      ...RECORD,
      aliases: [{ name: 'alias/jwt', creationDate: 1700000001 }],
    };
    expect(decodeObject(`qkms-key/${KEY}/4.0a1b2c3d`, json(legacy))).toEqual({
      kind: 'legacy',
      revision: 4,
      record: RECORD,
      aliases: [{ name: 'alias/jwt', creationDate: 1700000001 }],
    });
    expect(decodeObject(`qkms-key/${KEY}/4`, json(legacy)).kind).toBe('legacy');
    expect(
      decodeObject(`qkms-key/${KEY}/4`, json({ ...legacy, aliases: [{ name: 'jwt' }] })).kind,
    ).toBe('unknown');
  });
});
