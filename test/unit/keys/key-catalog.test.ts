// The key catalog over a token store on an in-memory token: it resolves ids, ARNs and aliases
// from memory, follows changes made through the store (here and by another process), pages in
// code-unit order, and reads a key's public half from the token once, on first use.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KmsError } from '../../../src/errors/kms-error';
import { KeyCatalog } from '../../../src/keys/key-catalog';
import type { ConfigKeys } from '../../../src/keys/store/metadata-view';
import { TokenMetadataStore } from '../../../src/keys/store/token/token-store';
import { memoryToken, type MemoryToken } from '../../support/memory-token';
import { SCOPE, ARN_PREFIX as ARN, keyRecord as record } from '../../support/key-records';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const ADOPTED = '00000000-0000-4000-8000-00000000000d';

const CONFIG: ConfigKeys = {
  keys: new Map([
    [ADOPTED, record(ADOPTED, { origin: 'EXTERNAL', locator: { label: 'hsm-made' } })],
  ]),
  aliases: new Map([
    [
      'alias/adopted',
      { name: 'alias/adopted', keyId: ADOPTED, creationDate: 0, lastUpdatedDate: 0 },
    ],
  ]),
};

let dir: string;
let mem: MemoryToken;
const stores: TokenMetadataStore[] = [];

async function open(): Promise<{ store: TokenMetadataStore; catalog: KeyCatalog }> {
  const store = new TokenMetadataStore({
    token: mem.token,
    description: { label: 't', manufacturer: 'm', model: 'x', serial: '1', mechanisms: [] },
    config: CONFIG,
    scope: SCOPE,
    lockDir: dir,
    lockTimeoutMs: 5000,
    readOnly: false,
    now: () => 100,
    warn: () => undefined,
  });
  stores.push(store);
  await store.open();
  return { store, catalog: new KeyCatalog(store, CONFIG, mem.token, SCOPE) };
}

const createKey = (keyId: string, aliases: string[] = []) =>
  ({
    kind: 'createKey',
    record: record(keyId),
    aliases: aliases.map((name) => ({ name, keyId, creationDate: 2, lastUpdatedDate: 2 })),
  }) as const;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qkms-catalog-'));
  mem = memoryToken();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('KeyCatalog', () => {
  it('resolves a key by id, ARN, alias and alias ARN, with its aliases', async () => {
    const { store, catalog } = await open();
    await store.apply(createKey(A, ['alias/b', 'alias/a']));
    for (const ref of [A, `${ARN}:key/${A}`, 'alias/a', `${ARN}:alias/b`]) {
      expect(catalog.resolve(ref).record.keyId).toBe(A);
    }
    expect(catalog.resolve(A).aliases).toEqual(['alias/a', 'alias/b']);
    expect(catalog.resolve(A).source).toBe('store');
  });

  it('serves config-adopted keys and their aliases until a stored record replaces them', async () => {
    const { store, catalog } = await open();
    expect(catalog.resolve('alias/adopted')).toMatchObject({
      source: 'config',
      aliases: ['alias/adopted'],
    });
    await store.apply({
      kind: 'updateKey',
      operation: 'UpdateKeyDescription',
      keyId: ADOPTED,
      edit: (r) => ({ ...r, description: 'now stored' }),
    });
    expect(catalog.resolve(ADOPTED)).toMatchObject({
      source: 'store',
      record: { description: 'now stored' },
    });
    await store.apply({ kind: 'deleteAlias', name: 'alias/adopted' });
    expect(catalog.alias('alias/adopted')).toBeUndefined();
    expect(catalog.resolve(ADOPTED).aliases).toEqual([]);
  });

  it('follows an alias moved by another process once that process’s change is seen', async () => {
    const mine = await open();
    const other = await open();
    await other.store.apply(createKey(A, ['alias/moving']));
    await other.store.apply(createKey(B));
    await mine.store.refresh();
    expect(mine.catalog.resolve('alias/moving').record.keyId).toBe(A);
    await other.store.apply({ kind: 'updateAlias', name: 'alias/moving', keyId: B, now: 3 });
    await mine.store.refresh();
    expect(mine.catalog.resolve('alias/moving').record.keyId).toBe(B);
    expect(mine.catalog.resolve(A).aliases).toEqual([]);
    expect(mine.catalog.resolve(B).aliases).toEqual(['alias/moving']);
    expect(mine.catalog.alias('alias/moving')).toMatchObject({
      creationDate: 2,
      lastUpdatedDate: 3,
    });
  });

  it('pages aliases in code-unit order, which differs from locale order', async () => {
    const { store, catalog } = await open();
    const names = ['alias/b', 'alias/B', 'alias/a-1', 'alias/a_1', 'alias/A'];
    await store.apply(createKey(A, names));
    expect(catalog.aliases().map((a) => a.name)).toEqual([
      'alias/A',
      'alias/B',
      'alias/a-1',
      'alias/a_1',
      'alias/adopted',
      'alias/b',
    ]);
  });

  it('answers NotFoundException for unknown, foreign and malformed references', async () => {
    const { catalog } = await open();
    const refusal = (text: string) => {
      try {
        catalog.resolve(text);
      } catch (err) {
        return [(err as KmsError).name, (err as KmsError).message];
      }
      throw new Error('resolved');
    };
    expect(refusal(B)).toEqual(['NotFoundException', `Key '${ARN}:key/${B}' does not exist`]);
    expect(refusal('alias/none')).toEqual([
      'NotFoundException',
      `Alias '${ARN}:alias/none' is not found.`,
    ]);
    expect(refusal('arn:aws:kms:eu-west-1:111122223333:key/x')).toEqual([
      'NotFoundException',
      "Key 'arn:aws:kms:eu-west-1:111122223333:key/x' does not exist",
    ]);
    expect(refusal('not-a-key')).toEqual(['NotFoundException', "Invalid keyId 'not-a-key'"]);
  });

  it('reads a public key from the token once, on first use', async () => {
    const { store, catalog } = await open();
    const info = await mem.token.generateKeyPair(
      { kind: 'ec', curveOidDer: '06082a8648ce3d030107' },
      A.replace(/-/g, ''),
      A,
      true,
    );
    await store.apply(createKey(A));
    mem.calls.clear();
    const first = await catalog.publicKey(catalog.resolve(A));
    const again = await catalog.publicKey(catalog.resolve(A));
    expect(again).toBe(first);
    expect(mem.calls.get('findKey')).toBe(1);
    expect(first.shape).toEqual({ sizeBytes: 32 });
    expect(info.publicKey).not.toBeNull();
  });

  it('answers KMSInvalidStateException for a key whose objects are missing, and asks again next time', async () => {
    const { store, catalog } = await open();
    await store.apply(createKey(B));
    const err = await catalog.publicKey(catalog.resolve(B)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KmsError);
    expect((err as KmsError).name).toBe('KMSInvalidStateException');
    expect((err as KmsError).message).toBe(
      `${ARN}:key/${B} has no public key material in the HSM.`,
    );
    mem.calls.clear();
    await catalog.publicKey(catalog.resolve(B)).catch(() => undefined);
    expect(mem.calls.get('findKey')).toBe(1);
  });
});
