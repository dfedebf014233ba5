import type { KeyMetadataRecord } from '../../../src/keys/key-record';
import {
  METADATA_APPLICATION,
  decodeMetadata,
  encodeMetadata,
  metadataLabel,
  parseMetadataLabel,
} from '../../../src/keys/metadata-codec';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const RECORD: KeyMetadataRecord = {
  keyId: KEY,
  keySpec: 'ECC_NIST_P256',
  keyUsage: 'SIGN_VERIFY',
  description: 'Signs JWTs — ünïcödé',
  state: 'PendingDeletion',
  creationDate: 1700000000,
  deletionDate: 1702592000,
  origin: 'AWS_KMS',
  aliases: [
    { name: 'alias/jwt', creationDate: 1700000001 },
    { name: 'alias/jwt-old', creationDate: 1700000002 },
  ],
  tags: [{ TagKey: 'team', TagValue: 'payments' }],
  locator: { idHex: '1234abcd12ab34cd56ef1234567890ab', label: KEY },
};

const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), 'utf8');

describe('metadata encoding', () => {
  it('round-trips a record', () => {
    expect(decodeMetadata(encodeMetadata(RECORD))).toEqual(RECORD);
  });

  it('round-trips a record without optional fields', () => {
    const { deletionDate: _d, ...minimal } = RECORD;
    const decoded = decodeMetadata(
      encodeMetadata({ ...minimal, state: 'Enabled', aliases: [], locator: { label: 'x' } }),
    );
    expect(decoded).toEqual({ ...minimal, state: 'Enabled', aliases: [], locator: { label: 'x' } });
    expect(decoded && 'deletionDate' in decoded).toBe(false);
  });

  it('stores UTF-8 JSON with a format number, and the format does not leak into the record', () => {
    const stored = JSON.parse(Buffer.from(encodeMetadata(RECORD)).toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(stored.format).toBe(1);
    expect(stored.keyId).toBe(KEY);
    expect('format' in (decodeMetadata(encodeMetadata(RECORD)) as object)).toBe(false);
  });

  it('uses the application name "qkms"', () => {
    expect(METADATA_APPLICATION).toBe('qkms');
  });

  const valid = JSON.parse(Buffer.from(encodeMetadata(RECORD)).toString('utf8')) as Record<
    string,
    unknown
  >;
  const without = (key: string): Record<string, unknown> => {
    const copy = { ...valid };
    delete copy[key];
    return copy;
  };

  it.each([
    ['bytes that are not JSON', Buffer.from('not json')],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    ['empty bytes', Buffer.alloc(0)],
    ['JSON null', json(null)],
    ['a JSON string', json('record')],
    ['a JSON number', json(1)],
    ['a JSON array', json([valid])],
    ['an unknown format', json({ ...valid, format: 2 })],
    ['a missing format', json(without('format'))],
    ['a missing keyId', json(without('keyId'))],
    ['a numeric keyId', json({ ...valid, keyId: 5 })],
    ['an unknown key spec', json({ ...valid, keySpec: 'RSA_1024' })],
    ['a key spec that is an Object.prototype name', json({ ...valid, keySpec: 'toString' })],
    ['a missing creation date', json(without('creationDate'))],
    ['a creation date as text', json({ ...valid, creationDate: '2023-11-14' })],
    ['a missing locator', json(without('locator'))],
    ['aliases that are not a list', json({ ...valid, aliases: 'alias/jwt' })],
    ['a null locator', json({ ...valid, locator: null })],
    ['an empty locator, which would match any key pair', json({ ...valid, locator: {} })],
    ['a locator with a non-hex id', json({ ...valid, locator: { idHex: 'xyz' } })],
    ['an alias entry that is a number', json({ ...valid, aliases: [42] })],
    ['an unknown key state', json({ ...valid, state: 'Bogus' })],
    ['an unknown key usage', json({ ...valid, keyUsage: 'ENCRYPT_DECRYPT' })],
    ['an unknown origin', json({ ...valid, origin: 'SOMEWHERE' })],
    ['a non-string description', json({ ...valid, description: 7 })],
  ])('refuses %s', (_what, bytes) => {
    expect(decodeMetadata(bytes)).toBeNull();
  });
});

describe('metadata labels', () => {
  it('names each revision qkms-key/<id>/<rev>.<nonce>', () => {
    expect(metadataLabel(KEY, 7, '0a1b2c3d')).toBe(`qkms-key/${KEY}/7.0a1b2c3d`);
  });

  it('gives two writers of the same revision different labels', () => {
    expect(metadataLabel(KEY, 2)).not.toBe(metadataLabel(KEY, 2));
  });

  it('parses its own labels back', () => {
    expect(parseMetadataLabel(metadataLabel(KEY, 1))).toEqual({ keyId: KEY, revision: 1 });
    expect(parseMetadataLabel(metadataLabel(KEY, 12345))).toEqual({ keyId: KEY, revision: 12345 });
  });

  it.each([
    ["another application's label", 'my-data-object'],
    ['a missing revision', `qkms-key/${KEY}`],
    ['a non-numeric revision', `qkms-key/${KEY}/one`],
    ['a negative revision', `qkms-key/${KEY}/-1`],
    ['a short key id', 'qkms-key/1234/1'],
    ['trailing text', `qkms-key/${KEY}/1/extra`],
    ['a malformed nonce', `qkms-key/${KEY}/1.xyz`],
    ['another prefix', `qkms-alias/${KEY}/1`],
  ])('refuses %s', (_what, label) => {
    expect(parseMetadataLabel(label)).toBeNull();
  });
});
