// Key management through the real SDK: CreateKey for every spec, aliases, states, the deletion
// window (with a fake clock), tags, HMAC, and survival across a restart.

import {
  AlreadyExistsException,
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisabledException,
  DryRunOperationException,
  EnableKeyCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSInvalidMacException,
  KMSInvalidStateException,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  VerifyMacCommand,
  type KeySpec,
  type MacAlgorithmSpec,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { KEY_SPEC_TABLE, KEY_SPECS } from '../../src/crypto/key-specs';
import { failure } from '../support/failure';
import { pkcs11Tool } from '../support/pkcs11-tool';
import { startTestGateway, type TestGateway } from '../support/test-token';
import { nodeVerifies } from '../support/verify-independently';

const DAY = 86_400;
let clock = Math.floor(Date.now() / 1000);
let t: TestGateway;

async function newKey(
  keySpec: KeySpec = 'ECC_NIST_P256',
  description = 'lifecycle test',
): Promise<string> {
  const usage = keySpec.startsWith('HMAC_') ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY';
  const out = await t.kms.send(
    new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: usage, Description: description }),
  );
  return out.KeyMetadata?.KeyId as string;
}

const signWith = (keyId: string) =>
  t.kms.send(
    new SignCommand({ KeyId: keyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
  );

beforeAll(async () => {
  t = await startTestGateway({ now: () => clock });
}, 60_000);
afterAll(() => t?.close());

describe('CreateKey', () => {
  // Signing and MAC keys here; encryption and key agreement keys in their own suites.
  const creatable = KEY_SPECS.filter(
    (s) => !['unavailable', 'aes'].includes(KEY_SPEC_TABLE[s].generation.kind),
  );

  it.each(creatable)(
    'creates a %s key in the token that works right away',
    async (spec) => {
      const keyId = await newKey(spec as KeySpec, `spec ${spec}`);
      const { KeyMetadata: m } = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      expect(m).toMatchObject({
        KeySpec: spec,
        KeyState: 'Enabled',
        Origin: 'AWS_KMS',
        Description: `spec ${spec}`,
      });
      const entry = KEY_SPEC_TABLE[spec];
      const message = Buffer.from(`created ${spec}`);
      if (entry.keyUsages.includes('GENERATE_VERIFY_MAC')) {
        const algorithm = entry.macAlgorithms[0] as MacAlgorithmSpec;
        expect(m?.MacAlgorithms).toEqual([algorithm]);
        const { Mac } = await t.kms.send(
          new GenerateMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: algorithm }),
        );
        const macLength = {
          HMAC_SHA_224: 28,
          HMAC_SHA_256: 32,
          HMAC_SHA_384: 48,
          HMAC_SHA_512: 64,
        }[algorithm];
        expect(Mac?.length).toBe(macLength);
        const ok = await t.kms.send(
          new VerifyMacCommand({ KeyId: keyId, Message: message, MacAlgorithm: algorithm, Mac }),
        );
        expect(ok.MacValid).toBe(true);
        const bad = Buffer.from(Mac as Uint8Array);
        bad[0] = (bad[0] as number) ^ 1;
        const err = await failure(
          t.kms.send(
            new VerifyMacCommand({
              KeyId: keyId,
              Message: message,
              MacAlgorithm: algorithm,
              Mac: bad,
            }),
          ),
        );
        expect(err).toBeInstanceOf(KMSInvalidMacException);
      } else {
        const algorithm = m?.SigningAlgorithms?.[0] as SigningAlgorithmSpec;
        const { Signature } = await t.kms.send(
          new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: algorithm }),
        );
        const { PublicKey } = await t.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
        expect(
          nodeVerifies(
            algorithm,
            Buffer.from(PublicKey as Uint8Array),
            message,
            Buffer.from(Signature as Uint8Array),
          ),
        ).toBe(true);
      }
    },
    60_000,
  );

  it.each(['ECC_NIST_P256', 'HMAC_256'] as const)(
    'generates %s key material as sensitive and never extractable (as pkcs11-tool sees it)',
    async (spec) => {
      const keyId = await newKey(spec);
      const listing = pkcs11Tool([
        '--list-objects',
        '--type',
        spec === 'HMAC_256' ? 'secrkey' : 'privkey',
        '--label',
        keyId,
      ]);
      expect(listing).toContain(`label:      ${keyId}`);
      expect(listing).toMatch(/Access:\s+sensitive, always sensitive, never extractable, local/);
    },
  );

  it('refuses mismatched usage and specs the token lacks', async () => {
    const mismatch = await failure(
      t.kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'SIGN_VERIFY' })),
    );
    expect(mismatch.name).toBe('ValidationException');
    expect(mismatch.message).toBe('KeyUsage SIGN_VERIFY is not compatible with KeySpec HMAC_256.');
    const mldsa = await failure(
      t.kms.send(new CreateKeyCommand({ KeySpec: 'ML_DSA_65', KeyUsage: 'SIGN_VERIFY' })),
    );
    expect(mldsa.name).toBe('UnsupportedOperationException');
    expect(mldsa.message).toBe(
      "ML_DSA_65 keys with KeyUsage SIGN_VERIFY are not available on this gateway's HSM: this algorithm needs a PKCS#11 3.2 token with CKM_ML_DSA.",
    );
    const multi = await failure(
      t.kms.send(
        new CreateKeyCommand({
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          MultiRegion: true,
        }),
      ),
    );
    expect(multi.message).toBe('Multi-Region keys are not supported.');
  });

  it('refuses tags beyond AWS limits with TagException', async () => {
    const reserved = await failure(
      t.kms.send(
        new CreateKeyCommand({
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }],
        }),
      ),
    );
    expect(reserved).toBeInstanceOf(TagException);
    expect(reserved.message).toBe("Tag key 'aws:owner' uses the reserved prefix aws:.");
    const keyId = await newKey();
    const many = Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    const tooMany = await failure(t.kms.send(new TagResourceCommand({ KeyId: keyId, Tags: many })));
    expect(tooMany).toBeInstanceOf(TagException);
    expect(tooMany.message).toBe('A key can have at most 50 tags.');
    const longKey = await failure(
      t.kms.send(
        new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'x'.repeat(129), TagValue: '' }] }),
      ),
    );
    expect(longKey).toBeInstanceOf(TagException);
  });

  it('holds CreateKey to the same 50-tag limit, creating nothing when it refuses', async () => {
    const before = (await t.kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length;
    const tags = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' }));
    const refused = await failure(
      t.kms.send(
        new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Tags: tags(51) }),
      ),
    );
    expect(refused).toBeInstanceOf(TagException);
    expect(refused.message).toBe('A key can have at most 50 tags.');
    expect((await t.kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.length).toBe(before);
    const created = await t.kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Tags: tags(50) }),
    );
    const listed = await t.kms.send(
      new ListResourceTagsCommand({ KeyId: created.KeyMetadata?.KeyId }),
    );
    expect(listed.Tags).toHaveLength(50);
  });
});

describe('aliases', () => {
  it('creates, lists, moves and deletes an alias, with every error on the way', async () => {
    const first = await newKey();
    const second = await newKey();
    const mac = await newKey('HMAC_256');
    await t.kms.send(new CreateAliasCommand({ AliasName: 'alias/lifecycle', TargetKeyId: first }));
    expect((await signWith('alias/lifecycle')).KeyId).toMatch(first);

    const dup = await failure(
      t.kms.send(new CreateAliasCommand({ AliasName: 'alias/lifecycle', TargetKeyId: second })),
    );
    expect(dup).toBeInstanceOf(AlreadyExistsException);
    expect(dup.message).toBe(
      'An alias with the name arn:aws:kms:us-east-1:111122223333:alias/lifecycle already exists',
    );
    const noPrefix = await failure(
      t.kms.send(new CreateAliasCommand({ AliasName: 'lifecycle', TargetKeyId: second })),
    );
    expect(noPrefix.name).toBe('ValidationException');
    expect(noPrefix.message).toMatch(/^Alias must start with the prefix "alias\/"/);
    const reserved = await failure(
      t.kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: second })),
    );
    expect(reserved.name).toBe('ValidationException');
    const badChars = await failure(
      t.kms.send(new CreateAliasCommand({ AliasName: 'alias/has space', TargetKeyId: second })),
    );
    expect(badChars.name).toBe('ValidationException');
    const viaAlias = await failure(
      t.kms.send(
        new CreateAliasCommand({ AliasName: 'alias/other', TargetKeyId: 'alias/lifecycle' }),
      ),
    );
    expect(viaAlias.name).toBe('ValidationException');
    const unknownKey = await failure(
      t.kms.send(
        new CreateAliasCommand({
          AliasName: 'alias/other',
          TargetKeyId: '11111111-2222-3333-4444-555555555555',
        }),
      ),
    );
    expect(unknownKey).toBeInstanceOf(NotFoundException);

    const listed = await t.kms.send(new ListAliasesCommand({ KeyId: first }));
    expect(listed.Aliases?.map((a) => a.AliasName)).toEqual(['alias/lifecycle']);

    await t.kms.send(new UpdateAliasCommand({ AliasName: 'alias/lifecycle', TargetKeyId: second }));
    expect((await signWith('alias/lifecycle')).KeyId).toMatch(second);
    expect((await t.kms.send(new ListAliasesCommand({ KeyId: first }))).Aliases).toEqual([]);
    const otherUsage = await failure(
      t.kms.send(new UpdateAliasCommand({ AliasName: 'alias/lifecycle', TargetKeyId: mac })),
    );
    expect(otherUsage.name).toBe('ValidationException');
    const missing = await failure(
      t.kms.send(new UpdateAliasCommand({ AliasName: 'alias/nothing-here', TargetKeyId: first })),
    );
    expect(missing).toBeInstanceOf(NotFoundException);

    await t.kms.send(new DeleteAliasCommand({ AliasName: 'alias/lifecycle' }));
    expect(await failure(signWith('alias/lifecycle'))).toBeInstanceOf(NotFoundException);
    const again = await failure(
      t.kms.send(new DeleteAliasCommand({ AliasName: 'alias/lifecycle' })),
    );
    expect(again).toBeInstanceOf(NotFoundException);
    expect(again.message).toBe(
      "Alias 'arn:aws:kms:us-east-1:111122223333:alias/lifecycle' is not found.",
    );
  });
});

describe('key states', () => {
  it('disables and enables a key, with the exception each state gives each operation', async () => {
    const keyId = await newKey();
    await t.kms.send(new DisableKeyCommand({ KeyId: keyId }));
    expect(await failure(signWith(keyId))).toBeInstanceOf(DisabledException);
    expect(await failure(t.kms.send(new GetPublicKeyCommand({ KeyId: keyId })))).toBeInstanceOf(
      DisabledException,
    );
    const described = await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    expect(described.KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    await t.kms.send(new EnableKeyCommand({ KeyId: keyId }));
    expect((await signWith(keyId)).SigningAlgorithm).toBe('ECDSA_SHA_256');
  });

  it('keeps key material through the deletion window and destroys it only after', async () => {
    const keyId = await newKey();
    const tooShort = await failure(
      t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 6 })),
    );
    expect(tooShort.name).toBe('ValidationException');
    expect(tooShort.message).toBe(
      "1 validation error detected: Value '6' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value greater than or equal to 7",
    );
    const scheduled = await t.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }),
    );
    expect(scheduled.KeyState).toBe('PendingDeletion');
    expect(scheduled.PendingWindowInDays).toBe(7);
    expect(scheduled.DeletionDate?.getTime()).toBe((clock + 7 * DAY) * 1000);

    for (const attempt of [
      signWith(keyId),
      t.kms.send(new EnableKeyCommand({ KeyId: keyId })),
      t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId })),
    ]) {
      const err = await failure(attempt);
      expect(err).toBeInstanceOf(KMSInvalidStateException);
    }
    const locator = t.gateway.catalog.resolve(keyId).record.locator;

    // One second before the window closes: the sweeper leaves everything alone.
    clock += 7 * DAY - 1;
    await t.gateway.store.sweep();
    expect(await t.gateway.token.findKey(locator)).not.toBeNull();
    // CancelKeyDeletion restores the key, Disabled, and it can be enabled again.
    await t.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    expect((await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState).toBe(
      'Disabled',
    );
    expect(
      await failure(t.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }))),
    ).toBeInstanceOf(KMSInvalidStateException);

    // Schedule again and let the window pass: from then on the key cannot be brought back
    // (its objects may be destroyed already), and the sweeper removes material and metadata.
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    clock += 7 * DAY + 1;
    const late = await failure(t.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId })));
    expect(late).toBeInstanceOf(KMSInvalidStateException);
    expect(late.message).toBe(
      `arn:aws:kms:us-east-1:111122223333:key/${keyId} is being deleted: its deletion date has passed.`,
    );
    expect(await t.gateway.store.sweep()).toEqual([keyId]);
    expect(await t.gateway.token.findKey(locator)).toBeNull();
    expect(await failure(t.kms.send(new DescribeKeyCommand({ KeyId: keyId })))).toBeInstanceOf(
      NotFoundException,
    );
  });
});

describe('descriptions, tags and MAC checks', () => {
  it('updates the description and manages tags', async () => {
    const keyId = await newKey();
    await t.kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyId, Description: 'renamed' }));
    expect(
      (await t.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Description,
    ).toBe('renamed');
    await t.kms.send(
      new TagResourceCommand({
        KeyId: keyId,
        Tags: [
          { TagKey: 'team', TagValue: 'a' },
          { TagKey: 'env', TagValue: 'prod' },
        ],
      }),
    );
    await t.kms.send(
      new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'team', TagValue: 'b' }] }),
    );
    const tags = await t.kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
    expect(tags.Tags).toEqual([
      { TagKey: 'env', TagValue: 'prod' },
      { TagKey: 'team', TagValue: 'b' },
    ]);
    expect(tags.Truncated).toBe(false);
    await t.kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['env', 'absent'] }));
    expect((await t.kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([
      { TagKey: 'team', TagValue: 'b' },
    ]);
  });

  it('refuses MAC operations with signing keys and the wrong MAC algorithm, and honours DryRun', async () => {
    const mac = await newKey('HMAC_384');
    const signing = await newKey();
    const wrongKey = await failure(
      t.kms.send(
        new GenerateMacCommand({
          KeyId: signing,
          Message: Buffer.from('m'),
          MacAlgorithm: 'HMAC_SHA_256',
        }),
      ),
    );
    expect(wrongKey).toBeInstanceOf(InvalidKeyUsageException);
    const wrongAlgorithm = await failure(
      t.kms.send(
        new GenerateMacCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          MacAlgorithm: 'HMAC_SHA_256',
        }),
      ),
    );
    expect(wrongAlgorithm).toBeInstanceOf(InvalidKeyUsageException);
    expect(wrongAlgorithm.message).toBe(
      'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_384. Valid algorithms: HMAC_SHA_384.',
    );
    const signWithMacKey = await failure(
      t.kms.send(
        new SignCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    );
    expect(signWithMacKey).toBeInstanceOf(InvalidKeyUsageException);
    const noPublicKey = await failure(t.kms.send(new GetPublicKeyCommand({ KeyId: mac })));
    expect(noPublicKey.name).toBe('UnsupportedOperationException');
    const dry = await failure(
      t.kms.send(
        new GenerateMacCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          MacAlgorithm: 'HMAC_SHA_384',
          DryRun: true,
        }),
      ),
    );
    expect(dry).toBeInstanceOf(DryRunOperationException);
    const dryVerify = await failure(
      t.kms.send(
        new VerifyMacCommand({
          KeyId: mac,
          Message: Buffer.from('m'),
          MacAlgorithm: 'HMAC_SHA_384',
          Mac: Buffer.alloc(48),
          DryRun: true,
        }),
      ),
    );
    expect(dryVerify).toBeInstanceOf(DryRunOperationException);
  });
});

describe('restart', () => {
  it('keeps keys, aliases, tags and states across a restart of the gateway', async () => {
    const keyId = await newKey('ECC_SECG_P256K1', 'survivor');
    await t.kms.send(new CreateAliasCommand({ AliasName: 'alias/survivor', TargetKeyId: keyId }));
    await t.kms.send(
      new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'keep', TagValue: 'me' }] }),
    );
    await t.kms.send(new DisableKeyCommand({ KeyId: keyId }));
    await t.close();
    t = await startTestGateway({ now: () => clock });
    const { KeyMetadata: m } = await t.kms.send(
      new DescribeKeyCommand({ KeyId: 'alias/survivor' }),
    );
    expect(m).toMatchObject({
      KeyId: keyId,
      Description: 'survivor',
      KeyState: 'Disabled',
      KeySpec: 'ECC_SECG_P256K1',
    });
    expect((await t.kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([
      { TagKey: 'keep', TagValue: 'me' },
    ]);
  }, 60_000);
});
