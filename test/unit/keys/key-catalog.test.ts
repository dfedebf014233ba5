// The key catalog above a fake token: loading, resolution, ordering that paging relies on,
// and that one unreadable key does not hide the others.

import { generateKeyPairSync } from 'node:crypto';
import { KeyCatalog } from '../../../src/keys/key-catalog';
import { KeyStore } from '../../../src/keys/key-store';
import type { KeyMetadataRecord } from '../../../src/keys/key-record';
import {
  METADATA_APPLICATION,
  encodeMetadata,
  metadataLabel,
} from '../../../src/keys/metadata-codec';
import { paginate } from '../../../src/operations/paging';
import type { DataObject, KeyLocator, KeyInfo, TokenApi } from '../../../src/pkcs11/token-api';

const SCOPE = { partition: 'aws', region: 'us-east-1', account: '111122223333' };

function p256Info(idHex: string): KeyInfo {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
    format: 'jwk',
  });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  return {
    idHex,
    label: idHex,
    hasPrivateKey: true,
    publicKey: { kind: 'ec', curveOidDer: '06082a8648ce3d030107', point },
  };
}

function record(keyId: string, aliases: string[]): KeyMetadataRecord {
  return {
    keyId,
    keySpec: 'ECC_NIST_P256',
    keyUsage: 'SIGN_VERIFY',
    description: '',
    state: 'Enabled',
    creationDate: 1,
    origin: 'AWS_KMS',
    aliases: aliases.map((name) => ({ name, creationDate: 1 })),
    tags: [],
    locator: { idHex: keyId.replace(/-/g, '') },
  };
}

/** A token holding metadata objects; key pairs are found unless their id is in `broken`. */
function fakeToken(data: DataObject[], broken: Set<string> = new Set()): TokenApi {
  const unused = (): never => {
    throw new Error('not used by the catalog here');
  };
  return {
    listData: async (application: string) => (application === METADATA_APPLICATION ? data : []),
    findKey: async (locator: KeyLocator) => {
      if (locator.idHex && broken.has(locator.idHex)) throw new Error('CKR_DEVICE_ERROR');
      return p256Info(locator.idHex ?? '');
    },
    open: unused,
    stats: unused,
    generateSecretKey: unused,
    close: unused,
    generateKeyPair: unused,
    listKeys: unused,
    destroyKey: unused,
    importPublicKey: unused,
    sign: unused,
    verify: unused,
    createData: unused,
    destroyData: unused,
  };
}

const object = (r: KeyMetadataRecord, revision = 1): DataObject => ({
  label: metadataLabel(r.keyId, revision),
  value: encodeMetadata(r),
});

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

describe('KeyCatalog', () => {
  it('pages aliases whose order differs between locale and code-unit comparison without skipping any', async () => {
    const names = ['alias/my-key', 'alias/my_key', 'alias/B', 'alias/a'];
    const catalog = new KeyCatalog(
      fakeToken([object(record(A, names.slice(0, 2))), object(record(B, names.slice(2)))]),
      { scope: SCOPE, adopted: [], readOnly: true },
    );
    await catalog.load();
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = paginate(catalog.aliases(), (a) => a.name, 1, marker);
      seen.push(...page.items.map((a) => a.name));
      marker = page.nextMarker;
    } while (marker);
    expect(seen.sort()).toEqual([...names].sort());
    expect(seen).toHaveLength(4);
  });

  it('keeps the newest revision of a key and resolves its aliases', async () => {
    const old = record(A, ['alias/old']);
    const current = { ...record(A, ['alias/new']), description: 'current' };
    const catalog = new KeyCatalog(fakeToken([object(current, 2), object(old, 1)]), {
      scope: SCOPE,
      adopted: [],
      readOnly: true,
    });
    await catalog.load();
    expect(catalog.resolve('alias/new').record.description).toBe('current');
    expect(() => catalog.resolve('alias/old')).toThrow(
      `Alias 'arn:aws:kms:us-east-1:111122223333:alias/old' is not found.`,
    );
    expect(catalog.resolve(`arn:aws:kms:us-east-1:111122223333:key/${A}`).arn).toBe(
      `arn:aws:kms:us-east-1:111122223333:key/${A}`,
    );
  });

  it('loads the other keys when one cannot be read, and reports it', async () => {
    const catalog = new KeyCatalog(
      fakeToken([object(record(A, [])), object(record(B, []))], new Set([B.replace(/-/g, '')])),
      {
        scope: SCOPE,
        adopted: [],
        readOnly: true,
      },
    );
    const { problems } = await catalog.load();
    expect(catalog.keys().map((k) => k.record.keyId)).toEqual([A]);
    expect(problems).toEqual([`key ${B}: Error: CKR_DEVICE_ERROR`]);
  });

  it('answers KMSInternalException, not a guess, when one alias names two keys', async () => {
    const catalog = new KeyCatalog(
      fakeToken([object(record(A, ['alias/x'])), object(record(B, ['alias/x']))]),
      { scope: SCOPE, adopted: [], readOnly: true },
    );
    await catalog.load();
    expect(() => catalog.resolve('alias/x')).toThrow(
      expect.objectContaining({
        name: 'KMSInternalException',
        message: 'An internal error occurred.',
      }),
    );
  });

  it('refuses to create keys when read-only', async () => {
    const token = fakeToken([]);
    const catalog = new KeyCatalog(token, { scope: SCOPE, adopted: [], readOnly: true });
    const store = new KeyStore(token, catalog, true);
    await expect(
      store.createKey({ keySpec: 'ECC_NIST_P256', description: '', tags: [] }),
    ).rejects.toMatchObject({
      name: 'UnsupportedOperationException',
    });
  });
});
