// A process's copy of the token store: a sync reads only objects it has not seen, the newest
// revision wins, a sync that races a writer is retried, and records of the first layout are
// served as if converted (one key per alias, even where that layout had two).

import type { DataObject } from '../../../../../src/pkcs11/token-api';
import type { KeyMetadataRecord } from '../../../../../src/keys/key-record';
import { RecordSet } from '../../../../../src/keys/store/token/record-set';
import { encodeAlias, encodeKey, keyLabel } from '../../../../../src/keys/store/token/records';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const record = (keyId: string, description = ''): KeyMetadataRecord => ({
  keyId,
  keySpec: 'ECC_NIST_P256',
  keyUsage: 'SIGN_VERIFY',
  description,
  state: 'Enabled',
  creationDate: 1,
  origin: 'AWS_KMS',
  tags: [],
  locator: { idHex: keyId.replace(/-/g, '') },
});

/** A token's objects by handle, and a reader that counts what it was asked to read. */
function objects(entries: Record<string, { label: string; value: Uint8Array }>) {
  const store = new Map(Object.entries(entries));
  const asked: string[] = [];
  const read = async (handles: readonly string[]): Promise<(DataObject | null)[]> => {
    asked.push(...handles);
    return handles.map((handle) => {
      const o = store.get(handle);
      return o ? { handle, ...o } : null;
    });
  };
  return { store, asked, read };
}

describe('RecordSet', () => {
  it('reads only the objects it has not seen, and forgets the ones gone', async () => {
    const token = objects({
      h1: { label: keyLabel(A), value: encodeKey(record(A), 1) },
      h2: { label: keyLabel(B), value: encodeKey(record(B), 1) },
    });
    const set = new RecordSet();
    expect(await set.sync(['h1', 'h2'], token.read)).toBe(true);
    expect(set.derive()).toEqual({ keys: [A, B], aliases: [] });
    token.asked.length = 0;
    token.store.set('h3', { label: keyLabel(A), value: encodeKey(record(A, 'new'), 2) });
    expect(await set.sync(['h2', 'h3'], token.read)).toBe(true);
    expect(token.asked).toEqual(['h3']);
    expect(set.derive()).toEqual({ keys: [A], aliases: [] });
    expect(set.state().keys.get(A)?.description).toBe('new');
  });

  it('keeps the highest revision when a crash left two', async () => {
    const token = objects({
      h9: { label: keyLabel(A), value: encodeKey(record(A, 'newer'), 5) },
      h1: { label: keyLabel(A), value: encodeKey(record(A, 'older'), 4) },
    });
    const set = new RecordSet();
    await set.sync(['h9', 'h1'], token.read);
    set.derive();
    expect(set.state().keys.get(A)?.description).toBe('newer');
    expect(set.handlesOldestFirst(keyLabel(A))).toEqual(['h1', 'h9']);
  });

  it('reports a race when an object vanishes between the search and the read', async () => {
    const token = objects({ h1: { label: keyLabel(A), value: encodeKey(record(A), 1) } });
    const set = new RecordSet();
    expect(await set.sync(['h1', 'h2'], token.read)).toBe(false);
    expect(set.state().keys.size).toBe(0);
  });

  it('serves a tombstone as "deleted" and a live alias as its key', async () => {
    const token = objects({
      h1: { label: 'qkms-alias/x', value: encodeAlias('alias/x', null, 2) },
      h2: {
        label: 'qkms-alias/y',
        value: encodeAlias(
          'alias/y',
          { name: 'alias/y', keyId: A, creationDate: 1, lastUpdatedDate: 1 },
          1,
        ),
      },
    });
    const set = new RecordSet();
    await set.sync(['h1', 'h2'], token.read);
    expect(set.derive()).toEqual({ keys: [], aliases: ['alias/x', 'alias/y'] });
    expect(set.state().aliases.get('alias/x')).toBeNull();
    expect(set.state().aliases.get('alias/y')?.keyId).toBe(A);
  });

  it('reads first-layout records, giving an alias both claimed to one key the same way everywhere', async () => {
    const legacy = (
      keyId: string,
      revision: number,
      aliases: { name: string; creationDate: number }[],
    ) => ({
      label: `qkms-key/${keyId}/${revision}.00000000`,
      value: Buffer.from(JSON.stringify({ format: 1, ...record(keyId), aliases })),
    });
    const token = objects({
      h1: legacy(A, 1, [
        { name: 'alias/both', creationDate: 10 },
        { name: 'alias/a', creationDate: 3 },
      ]),
      h2: legacy(B, 3, [{ name: 'alias/both', creationDate: 20 }]),
      h3: legacy(B, 2, [{ name: 'alias/stale', creationDate: 1 }]),
    });
    const set = new RecordSet();
    await set.sync(['h1', 'h2', 'h3'], token.read);
    set.derive();
    const aliases = set.state().aliases;
    expect(aliases.get('alias/both')?.keyId).toBe(B); // the newer alias wins
    expect(aliases.get('alias/a')?.keyId).toBe(A);
    expect(aliases.has('alias/stale')).toBe(false); // only the newest revision of B counts
    expect([...set.state().keys.keys()].sort()).toEqual([A, B]);
  });

  it('prefers a converted record to the first-layout one of the same key', async () => {
    const token = objects({
      h1: {
        label: `qkms-key/${A}/7.00000000`,
        value: Buffer.from(
          JSON.stringify({
            format: 1,
            ...record(A, 'old'),
            aliases: [{ name: 'alias/old', creationDate: 1 }],
          }),
        ),
      },
      h2: { label: keyLabel(A), value: encodeKey(record(A, 'converted'), 8) },
    });
    const set = new RecordSet();
    await set.sync(['h1', 'h2'], token.read);
    set.derive();
    expect(set.state().keys.get(A)?.description).toBe('converted');
    expect(set.state().aliases.has('alias/old')).toBe(false);
  });
});
