// DescribeKey, GetPublicKey, ListKeys and ListAliases through the real SDK.

import { createPublicKey } from 'node:crypto';
import {
  DescribeKeyCommand,
  GetPublicKeyCommand,
  InvalidMarkerException,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  TagResourceCommand,
  NotFoundException,
  type AliasListEntry,
  type KeyListEntry,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
}, 60_000);
afterAll(() => t?.close());

const ARN = /^arn:aws:kms:us-east-1:111122223333:key\/([0-9a-f-]{36})$/;

describe('DescribeKey', () => {
  it('returns the full KeyMetadata of a demo key', async () => {
    const { KeyMetadata: m } = await t.kms.send(
      new DescribeKeyCommand({ KeyId: demoAlias('RSA_2048') }),
    );
    expect(m).toMatchObject({
      AWSAccountId: '111122223333',
      Enabled: true,
      Description: 'QKMS demo key (RSA_2048)',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'RSA_2048',
      KeySpec: 'RSA_2048',
      MultiRegion: false,
    });
    expect(m?.Arn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${m?.KeyId}`);
    expect(m?.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs((m?.CreationDate as Date).getTime() - Date.now())).toBeLessThan(
      24 * 3600 * 1000,
    );
    expect([...(m?.SigningAlgorithms ?? [])].sort()).toEqual([
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
    ]);
    expect(m?.DeletionDate).toBeUndefined();
  });
});

describe('GetPublicKey', () => {
  it.each([
    ['ECC_SECG_P256K1', 'ec', 'secp256k1'],
    ['ECC_NIST_P384', 'ec', 'secp384r1'],
    ['RSA_4096', 'rsa', undefined],
    ['ECC_NIST_EDWARDS25519', 'ed25519', undefined],
  ])('returns a DER SubjectPublicKeyInfo for %s', async (spec, type, curve) => {
    const out = await t.kms.send(new GetPublicKeyCommand({ KeyId: demoAlias(spec as 'RSA_4096') }));
    const key = createPublicKey({
      key: Buffer.from(out.PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    expect(key.asymmetricKeyType).toBe(type);
    if (curve) expect(key.asymmetricKeyDetails?.namedCurve).toBe(curve);
    if (type === 'rsa') expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(out.KeySpec).toBe(spec);
    expect(out.KeyUsage).toBe('SIGN_VERIFY');
    expect(out.KeyId).toMatch(ARN);
    expect(out.SigningAlgorithms?.length).toBeGreaterThan(0);
  });
});

describe('ListKeys', () => {
  it('pages through every key with Limit and Marker', async () => {
    const seen: KeyListEntry[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = await t.kms.send(new ListKeysCommand({ Limit: 3, Marker: marker }));
      expect(out.Keys?.length).toBeLessThanOrEqual(3);
      seen.push(...(out.Keys ?? []));
      expect(out.Truncated).toBe(out.NextMarker !== undefined);
      marker = out.NextMarker;
      pages++;
    } while (marker);
    const ids = seen.map((k) => k.KeyId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(t.gateway.catalog.keys().length);
    expect(ids.length).toBeGreaterThanOrEqual(8);
    expect(pages).toBe(Math.ceil(ids.length / 3));
    for (const k of seen)
      expect(k.KeyArn).toBe(`arn:aws:kms:us-east-1:111122223333:key/${k.KeyId}`);
  });

  it('refuses a marker issued for another listing: operation, key or filter', async () => {
    const keys = await t.kms.send(new ListKeysCommand({ Limit: 1 }));
    const aliases = await t.kms.send(new ListAliasesCommand({ Limit: 1 }));
    const refused = async (call: Promise<unknown>) => {
      const err = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidMarkerException);
    };
    await refused(t.kms.send(new ListAliasesCommand({ Marker: keys.NextMarker })));
    await refused(t.kms.send(new ListKeysCommand({ Marker: aliases.NextMarker })));
    const tagged = async (KeyId: string) => {
      await t.kms.send(
        new TagResourceCommand({
          KeyId,
          Tags: [
            { TagKey: 'page-a', TagValue: '1' },
            { TagKey: 'page-b', TagValue: '2' },
          ],
        }),
      );
      return (await t.kms.send(new DescribeKeyCommand({ KeyId }))).KeyMetadata?.KeyId as string;
    };
    const [keyA, keyB] = [
      await tagged(demoAlias('ECC_NIST_P256')),
      await tagged(demoAlias('RSA_2048')),
    ];
    const tags = await t.kms.send(new ListResourceTagsCommand({ KeyId: keyA, Limit: 1 }));
    expect(tags.NextMarker).toBeDefined();
    await refused(
      t.kms.send(new ListResourceTagsCommand({ KeyId: keyB, Marker: tags.NextMarker })),
    );
    await refused(t.kms.send(new ListAliasesCommand({ KeyId: keyA, Marker: aliases.NextMarker })));
  });

  it('refuses a marker it did not issue', async () => {
    await expect(
      t.kms.send(new ListKeysCommand({ Marker: 'someone-elses-marker' })),
    ).rejects.toBeInstanceOf(InvalidMarkerException);
  });
});

describe('ListAliases', () => {
  it('lists the demo aliases with their target keys', async () => {
    const all: AliasListEntry[] = [];
    let marker: string | undefined;
    do {
      const out = await t.kms.send(new ListAliasesCommand({ Limit: 4, Marker: marker }));
      all.push(...(out.Aliases ?? []));
      marker = out.NextMarker;
    } while (marker);
    const p256 = all.find((a) => a.AliasName === demoAlias('ECC_NIST_P256'));
    expect(p256?.AliasArn).toBe(`arn:aws:kms:us-east-1:111122223333:${demoAlias('ECC_NIST_P256')}`);
    const described = await t.kms.send(
      new DescribeKeyCommand({ KeyId: demoAlias('ECC_NIST_P256') }),
    );
    expect(p256?.TargetKeyId).toBe(described.KeyMetadata?.KeyId);
  });

  it('filters by KeyId', async () => {
    const described = await t.kms.send(new DescribeKeyCommand({ KeyId: demoAlias('RSA_3072') }));
    const out = await t.kms.send(new ListAliasesCommand({ KeyId: described.KeyMetadata?.KeyId }));
    expect(out.Aliases?.map((a) => a.AliasName)).toEqual([demoAlias('RSA_3072')]);
    expect(out.Truncated).toBe(false);
  });

  it('refuses an alias as the KeyId filter, as KMS takes key ids and key ARNs only', async () => {
    const err = await failure(t.kms.send(new ListAliasesCommand({ KeyId: demoAlias('RSA_3072') })));
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err.message).toBe(`Invalid keyId '${demoAlias('RSA_3072')}'`);
  });

  it('answers NotFoundException when filtering by an unknown key', async () => {
    await expect(
      t.kms.send(new ListAliasesCommand({ KeyId: '11111111-2222-3333-4444-555555555555' })),
    ).rejects.toBeInstanceOf(NotFoundException);
  });
});
