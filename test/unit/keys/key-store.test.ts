// KeyStore above an in-memory token: concurrent writes to one key keep every change and leave
// exactly one metadata object, and the sweeper honours the deletion date.

import { generateKeyPairSync } from 'node:crypto';
import { KeyCatalog } from '../../../src/keys/key-catalog';
import { KeyStore } from '../../../src/keys/key-store';
import type { DataObject, KeyInfo, KeyLocator, TokenApi } from '../../../src/pkcs11/token-api';

const SCOPE = { partition: 'aws', region: 'us-east-1', account: '111122223333' };

/** Enough of a token for the store: key pairs by id, data objects by label, with a little latency. */
function memoryToken() {
  const data: DataObject[] = [];
  const keys = new Map<string, KeyInfo>();
  const tick = () => new Promise((r) => setImmediate(r));
  const unused = (): never => {
    throw new Error('not used here');
  };
  const token: TokenApi = {
    generateKeyPair: async (_gen, idHex, label) => {
      await tick();
      const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
        format: 'jwk',
      });
      const point = Buffer.concat([
        Buffer.from([4]),
        Buffer.from(jwk.x as string, 'base64url'),
        Buffer.from(jwk.y as string, 'base64url'),
      ]);
      const info: KeyInfo = {
        idHex,
        label,
        hasPrivateKey: true,
        publicKey: { kind: 'ec', curveOidDer: '06082a8648ce3d030107', point },
      };
      keys.set(idHex, info);
      return info;
    },
    findKey: async (locator: KeyLocator) => {
      await tick();
      return keys.get(locator.idHex ?? '') ?? null;
    },
    destroyKey: async (locator: KeyLocator) => {
      keys.delete(locator.idHex ?? '');
    },
    listData: async () => [...data],
    createData: async (_app, label, value) => {
      await tick();
      data.push({ label, value });
    },
    destroyData: async (_app, label) => {
      await tick();
      for (let i = data.length - 1; i >= 0; i--) if (data[i]?.label === label) data.splice(i, 1);
    },
    open: unused,
    stats: unused,
    close: unused,
    generateSecretKey: unused,
    listKeys: unused,
    importPublicKey: unused,
    sign: unused,
    verify: unused,
  };
  return { token, data, keys };
}

describe('KeyStore', () => {
  it('keeps both of two concurrent tag changes and leaves one metadata object', async () => {
    const { token, data } = memoryToken();
    const catalog = new KeyCatalog(token, { scope: SCOPE, adopted: [], readOnly: false });
    const store = new KeyStore(token, catalog, false);
    const { record } = await store.createKey({
      keySpec: 'ECC_NIST_P256',
      description: '',
      tags: [],
    });
    await Promise.all(
      ['a', 'b'].map((k) =>
        store.update(record.keyId, (r) => ({
          ...r,
          tags: [...r.tags, { TagKey: k, TagValue: k }],
        })),
      ),
    );
    await catalog.load();
    await store.sweep();
    expect(data).toHaveLength(1);
    const reloaded = new KeyCatalog(token, { scope: SCOPE, adopted: [], readOnly: false });
    await reloaded.load();
    expect(
      reloaded
        .resolve(record.keyId)
        .record.tags.map((t) => t.TagKey)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('lets only one of two concurrent CreateAlias-style changes take a free alias', async () => {
    const { token } = memoryToken();
    const catalog = new KeyCatalog(token, { scope: SCOPE, adopted: [], readOnly: false });
    const store = new KeyStore(token, catalog, false);
    const keys = await Promise.all(
      [0, 1].map(() => store.createKey({ keySpec: 'ECC_NIST_P256', description: '', tags: [] })),
    );
    const results = await Promise.allSettled(
      keys.map((k) =>
        store.update(k.record.keyId, (r) => {
          store.assertAliasFree('alias/contested');
          return { ...r, aliases: [...r.aliases, { name: 'alias/contested', creationDate: 0 }] };
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(catalog.aliasTargets('alias/contested')).toHaveLength(1);
  });

  it('keeps a write made during a load instead of the older revision the load read', async () => {
    const { token } = memoryToken();
    const catalog = new KeyCatalog(token, { scope: SCOPE, adopted: [], readOnly: false });
    const store = new KeyStore(token, catalog, false);
    const { record } = await store.createKey({
      keySpec: 'ECC_NIST_P256',
      description: '',
      tags: [],
    });
    const loading = catalog.load();
    await store.update(record.keyId, (r) => ({ ...r, state: 'Disabled' }));
    await loading;
    expect(catalog.resolve(record.keyId).record.state).toBe('Disabled');
  });

  it('destroys a key only once its deletion date has passed', async () => {
    const { token, keys, data } = memoryToken();
    let now = 1_000;
    const catalog = new KeyCatalog(token, { scope: SCOPE, adopted: [], readOnly: false });
    const store = new KeyStore(token, catalog, false, () => now);
    const { record } = await store.createKey({
      keySpec: 'ECC_NIST_P256',
      description: '',
      tags: [],
    });
    await store.update(record.keyId, (r) => ({
      ...r,
      state: 'PendingDeletion',
      deletionDate: 2_000,
    }));
    now = 2_000 - 1;
    expect(await store.sweep()).toEqual([]);
    expect(keys.size).toBe(1);
    now = 2_000;
    expect(await store.sweep()).toEqual([record.keyId]);
    expect(keys.size).toBe(0);
    expect(data).toHaveLength(0);
  });
});
