import { randomBytes } from 'node:crypto';
import { MarkerCodec } from '../../../src/keys/marker-codec';
import { pageFields, paginate } from '../../../src/operations/paging';
import { thrownKmsError } from '../../support/thrown';

const CODEC = new MarkerCodec(randomBytes(32));
const SCOPE = { codec: CODEC, operation: 'ListKeys', owner: '' };

const ITEMS = Array.from({ length: 250 }, (_, i) => `key-${String(i).padStart(4, '0')}`);
const self = (s: string): string => s;

const invalidMarker = thrownKmsError;

describe('paginate', () => {
  it('walks 250 items in three pages of at most 100', () => {
    const p1 = paginate(ITEMS, self, SCOPE, 100);
    expect(p1.items).toEqual(ITEMS.slice(0, 100));
    expect(pageFields(p1)).toEqual({ NextMarker: p1.nextMarker, Truncated: true });
    expect(typeof p1.nextMarker).toBe('string');

    const p2 = paginate(ITEMS, self, SCOPE, 100, p1.nextMarker);
    expect(p2.items).toEqual(ITEMS.slice(100, 200));
    expect(pageFields(p2).Truncated).toBe(true);
    expect(p2.nextMarker).not.toBe(p1.nextMarker);

    const p3 = paginate(ITEMS, self, SCOPE, 100, p2.nextMarker);
    expect(p3.items).toEqual(ITEMS.slice(200, 250));
    expect(p3.nextMarker).toBeUndefined();
    expect(pageFields(p3)).toEqual({ Truncated: false });
    expect('NextMarker' in pageFields(p3)).toBe(false);
  });

  it('uses a limit of 100 when none is given', () => {
    const page = paginate(ITEMS, self, SCOPE);
    expect(page.items).toHaveLength(100);
    expect(page.nextMarker).toBeDefined();
  });

  it('returns every item exactly once whatever the page size', () => {
    for (const limit of [1, 7, 99, 100, 249, 250, 1000]) {
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = paginate(ITEMS, self, SCOPE, limit, marker);
        seen.push(...page.items);
        marker = page.nextMarker;
        pages++;
      } while (marker !== undefined);
      expect({ limit, seen }).toEqual({ limit, seen: ITEMS });
      expect({ limit, pages }).toEqual({ limit, pages: Math.ceil(250 / limit) });
    }
  });

  it('is not truncated when the last page is exactly full', () => {
    const page2 = paginate(
      ITEMS.slice(0, 200),
      self,
      SCOPE,
      100,
      paginate(ITEMS.slice(0, 200), self, SCOPE, 100).nextMarker,
    );
    expect(page2.items).toHaveLength(100);
    expect(pageFields(page2)).toEqual({ Truncated: false });
  });

  it('returns an empty, untruncated page for an empty list', () => {
    expect(paginate([], self, SCOPE, 10)).toEqual({ items: [] });
  });

  it('stays consistent when an item is added before the marker between calls', () => {
    const p1 = paginate(ITEMS, self, SCOPE, 100);
    const grown = [...ITEMS.slice(0, 50), 'key-0049a', ...ITEMS.slice(50)].sort();
    const p2 = paginate(grown, self, SCOPE, 100, p1.nextMarker);
    expect(p2.items[0]).toBe('key-0100');
  });

  it('continues after the marker item even if that item was removed', () => {
    const p1 = paginate(ITEMS, self, SCOPE, 100);
    const shrunk = ITEMS.filter((k) => k !== 'key-0099');
    expect(paginate(shrunk, self, SCOPE, 100, p1.nextMarker).items[0]).toBe('key-0100');
  });

  it('works with items that are not strings through keyOf', () => {
    const objects = ITEMS.map((name) => ({ name }));
    const p1 = paginate(objects, (o) => o.name, SCOPE, 100);
    expect(paginate(objects, (o) => o.name, SCOPE, 100, p1.nextMarker).items[0]).toEqual({
      name: 'key-0100',
    });
  });

  it.each([
    ['a made-up string', 'abc'],
    [
      'a marker of the earlier, unsigned form',
      `qkms1.${Buffer.from('key-0099').toString('base64url')}`,
    ],
    [
      'a hand-made marker',
      `qkms2.${Buffer.from('["ListKeys","","key-0099"]').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`,
    ],
    ['a marker with its body altered', 'ALTERED'],
    ['a marker of another operation', CODEC.encode('ListAliases', '', 'key-0099')],
    ['a marker of another key', CODEC.encode('ListKeys', 'other-key', 'key-0099')],
    [
      'a marker from a gateway with another secret',
      new MarkerCodec(randomBytes(32)).encode('ListKeys', '', 'key-0099'),
    ],
    ['an AWS-style marker', 'AE0AAAACAHVzZXIta2V5AAAA'],
    // Base64url decoding would take these for the issued tag: markers are compared as issued.
    ['an issued marker with padding added', 'PAD'],
    ['an issued marker with the unused bits of its tag set', 'BITS'],
  ])('refuses %s with InvalidMarkerException', (_what, given) => {
    const issued = paginate(ITEMS, self, SCOPE, 100).nextMarker as string;
    const flipLastBits = (m: string): string => {
      const last = m.at(-1) as string;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // The last of 22 characters carries 2 bits of the tag and 4 unused ones.
      return m.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] as string);
    };
    const marker =
      given === 'ALTERED'
        ? issued.replace(/^(qkms2\.)./, '$1A')
        : given === 'PAD'
          ? `${issued}==`
          : given === 'BITS'
            ? flipLastBits(issued)
            : given;
    if (given === 'BITS')
      expect(Buffer.from(marker.split('.')[2] as string, 'base64url')).toEqual(
        Buffer.from(issued.split('.')[2] as string, 'base64url'),
      );
    expect(invalidMarker(() => paginate(ITEMS, self, SCOPE, 100, marker))).toEqual({
      name: 'InvalidMarkerException',
      status: 400,
      message: 'The marker that specifies where pagination should next begin is not valid.',
    });
  });

  it('makes markers with the first of its keys and accepts every one of them', () => {
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const both = new MarkerCodec(() => [first, second]);
    const bySecond = new MarkerCodec(second).encode('ListKeys', '', 'key-0099');
    const scope = { ...SCOPE, codec: both };
    expect(paginate(ITEMS, self, scope, 1, bySecond).items).toEqual(['key-0100']);
    const made = paginate(ITEMS, self, scope, 1).nextMarker as string;
    const firstOnly = { ...SCOPE, codec: new MarkerCodec(first) };
    expect(paginate(ITEMS, self, firstOnly, 1, made).items).toEqual(['key-0001']);
  });

  it('returns an empty last page for a well-formed marker past the end', () => {
    const past = CODEC.encode('ListKeys', '', 'zzzz');
    expect(paginate(ITEMS, self, SCOPE, 100, past)).toEqual({ items: [] });
  });
});
