// Rotation of SYMMETRIC_DEFAULT keys through the real SDK on SoftHSM: ciphertexts made before
// each of several rotations still decrypt and new ones name the newest material; a blob naming
// a material the key does not have fails closed; the automatic schedule (an injected clock, no
// waiting) with its bounds and key states; ListKeyRotations paging; and the key's ciphertexts
// after a restart. Second processes and replicas: test/e2e/rotation-replicas*.test.ts.

import { createHash, randomUUID } from 'node:crypto';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  DisabledException,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GetKeyRotationStatusCommand,
  InvalidCiphertextException,
  InvalidMarkerException,
  KMSInvalidStateException,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UnsupportedOperationException,
  type KMSClient,
  type RotationsListEntry,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';

const DAY = 86_400;
let clock = Math.floor(Date.now() / 1000);
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({ now: () => clock });
}, 60_000);
afterAll(() => t?.close());

const newKey = async (kms: KMSClient = t.kms, spec?: 'ECC_NIST_P256' | 'HMAC_256') => {
  const usage = spec === 'HMAC_256' ? 'GENERATE_VERIFY_MAC' : spec ? 'SIGN_VERIFY' : undefined;
  const made = await kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: usage }));
  return { keyId: made.KeyMetadata?.KeyId as string, arn: made.KeyMetadata?.Arn as string };
};

const encrypt = async (kms: KMSClient, keyId: string, text: string): Promise<Buffer> => {
  const out = await kms.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text), EncryptionContext: { text } }),
  );
  return Buffer.from(out.CiphertextBlob as Uint8Array);
};

const decrypt = async (kms: KMSClient, blob: Buffer, text: string): Promise<string> => {
  const out = await kms.send(
    new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { text } }),
  );
  return Buffer.from(out.Plaintext as Uint8Array).toString();
};

/** The material id bytes a blob names (ciphertext-blob.ts: bytes 20–35 of the header). */
const materialBytes = (blob: Buffer): Buffer => blob.subarray(20, 36);

/** ListKeyRotations' KeyMaterialId, computed here from the blob's bytes with node:crypto. */
const materialIdOf = (blob: Buffer): string =>
  createHash('sha256').update(materialBytes(blob)).digest('hex');

async function allRotations(
  kms: KMSClient,
  keyId: string,
  include?: 'ALL_KEY_MATERIAL',
): Promise<RotationsListEntry[]> {
  const out = await kms.send(
    new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: include }),
  );
  expect(out.Truncated).toBe(false);
  return out.Rotations ?? [];
}

describe('ciphertexts across rotations', () => {
  it('decrypts what each material encrypted; new ciphertexts name the newest material', async () => {
    const { keyId } = await newKey();
    const made: { blob: Buffer; text: string }[] = [];
    const seen = new Set<string>();
    for (let round = 0; round <= 3; round++) {
      const text = `before rotation ${round + 1}`;
      const blob = await encrypt(t.kms, keyId, text);
      made.push({ blob, text });
      const id = materialBytes(blob).toString('hex');
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      if (round === 0) expect(id).toBe(keyId.replace(/-/g, ''));
      // The newest material in the listing is the one the blob names.
      const listed = await allRotations(t.kms, keyId, 'ALL_KEY_MATERIAL');
      expect(listed).toHaveLength(round + 1);
      expect(listed[round]?.KeyMaterialId).toBe(materialIdOf(blob));
      expect(listed[round]?.KeyMaterialState).toBe('CURRENT');
      clock += 60;
      const rotated = await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
      expect(rotated.KeyId).toBe(keyId);
    }
    for (const { blob, text } of made) expect(await decrypt(t.kms, blob, text)).toBe(text);
    const rotations = await allRotations(t.kms, keyId);
    expect(rotations).toHaveLength(4);
    expect(rotations.map((r) => r.RotationType)).toEqual(Array(4).fill('ON_DEMAND'));
    expect(rotations.map((r) => r.KeyMaterialState)).toEqual([
      'NON_CURRENT',
      'NON_CURRENT',
      'NON_CURRENT',
      'CURRENT',
    ]);
    // Each rotation's date is the clock's when it was made, oldest first.
    const dates = rotations.map((r) => (r.RotationDate as Date).getTime() / 1000);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    expect(dates[3]).toBe(clock);
  });

  it('names the material each answer used, as AWS KMS does, and none for RSA', async () => {
    const { keyId } = await newKey();
    const current = async (id: string) =>
      (await t.kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.CurrentKeyMaterialId;
    const first = await encrypt(t.kms, keyId, 'first');
    expect(await current(keyId)).toBe(materialIdOf(first));
    await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const second = await encrypt(t.kms, keyId, 'second');
    const newest = materialIdOf(second);
    expect(newest).not.toBe(materialIdOf(first));
    expect(await current(keyId)).toBe(newest);

    // Decrypt reports the material that opened the blob, the old one for an old blob.
    const opened = await t.kms.send(
      new DecryptCommand({ CiphertextBlob: first, EncryptionContext: { text: 'first' } }),
    );
    expect(opened.KeyMaterialId).toBe(materialIdOf(first));
    // Data keys and data key pairs are sealed under the newest material.
    const dataKey = await t.kms.send(
      new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 32 }),
    );
    expect(dataKey.KeyMaterialId).toBe(newest);
    expect(materialIdOf(Buffer.from(dataKey.CiphertextBlob as Uint8Array))).toBe(newest);
    const sealedOnly = await t.kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_128' }),
    );
    expect(sealedOnly.KeyMaterialId).toBe(newest);
    const pair = await t.kms.send(
      new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' }),
    );
    expect(pair.KeyMaterialId).toBe(newest);
    expect(materialIdOf(Buffer.from(pair.PrivateKeyCiphertextBlob as Uint8Array))).toBe(newest);
    // ReEncrypt: both sides symmetric, both named.
    const moved = await t.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: first,
        SourceEncryptionContext: { text: 'first' },
        DestinationKeyId: keyId,
      }),
    );
    expect(moved.SourceKeyMaterialId).toBe(materialIdOf(first));
    expect(moved.DestinationKeyMaterialId).toBe(newest);
    expect(materialIdOf(Buffer.from(moved.CiphertextBlob as Uint8Array))).toBe(newest);

    // An RSA key has no materials to name, on either side.
    const rsa = (
      await t.kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' }))
    ).KeyMetadata?.KeyId as string;
    expect(await current(rsa)).toBeUndefined();
    const toRsa = await t.kms.send(
      new ReEncryptCommand({
        CiphertextBlob: second,
        SourceEncryptionContext: { text: 'second' },
        DestinationKeyId: rsa,
        DestinationEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    expect(toRsa.SourceKeyMaterialId).toBe(newest);
    expect(toRsa.DestinationKeyMaterialId).toBeUndefined();
    const rsaOpened = await t.kms.send(
      new DecryptCommand({
        CiphertextBlob: toRsa.CiphertextBlob,
        KeyId: rsa,
        EncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
      }),
    );
    expect(Buffer.from(rsaOpened.Plaintext as Uint8Array).toString()).toBe('second');
    expect(rsaOpened.KeyMaterialId).toBeUndefined();
  });

  it('fails closed on a blob naming a material the key does not have, or another of its materials', async () => {
    const { keyId } = await newKey();
    const first = await encrypt(t.kms, keyId, 'sealed');
    await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const second = await encrypt(t.kms, keyId, 'sealed');
    const unknown = Buffer.from(first);
    Buffer.from(randomUUID().replace(/-/g, ''), 'hex').copy(unknown, 20);
    // The key's other, real material: the header is authenticated, so this fails too.
    const swapped = Buffer.from(second);
    materialBytes(first).copy(swapped, 20);
    for (const blob of [unknown, swapped]) {
      const err = await failure(decrypt(t.kms, blob, 'sealed'));
      expect(err).toBeInstanceOf(InvalidCiphertextException);
      expect(err.message).toBe(
        'The ciphertext is not valid: it was not made by this gateway, was changed, or the encryption context differs.',
      );
    }
    expect(await decrypt(t.kms, first, 'sealed')).toBe('sealed');
    expect(await decrypt(t.kms, second, 'sealed')).toBe('sealed');
  });

  it('lists nothing for a key never rotated, and its first material on request', async () => {
    const { keyId } = await newKey();
    expect(await allRotations(t.kms, keyId)).toEqual([]);
    const all = await allRotations(t.kms, keyId, 'ALL_KEY_MATERIAL');
    expect(all).toEqual([
      {
        KeyId: keyId,
        KeyMaterialId: createHash('sha256')
          .update(Buffer.from(keyId.replace(/-/g, ''), 'hex'))
          .digest('hex'),
        KeyMaterialState: 'CURRENT',
      },
    ]);
  });

  it('pages ListKeyRotations with signed markers bound to the key', async () => {
    const { keyId } = await newKey();
    for (let i = 0; i < 5; i++) await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const whole = await allRotations(t.kms, keyId);
    const paged: RotationsListEntry[] = [];
    let Marker: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await t.kms.send(
        new ListKeyRotationsCommand({ KeyId: keyId, Limit: 2, Marker }),
      );
      paged.push(...(page.Rotations ?? []));
      sizes.push(page.Rotations?.length ?? 0);
      expect(page.Truncated).toBe(page.NextMarker !== undefined);
      expect(page.NextMarker === undefined || page.NextMarker.startsWith('qkms2.')).toBe(true);
      Marker = page.NextMarker;
    } while (Marker);
    expect(sizes).toEqual([2, 2, 1]);
    expect(paged).toEqual(whole);
    const first = await t.kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Limit: 1 }));
    const other = await newKey();
    for (const attempt of [
      t.kms.send(new ListKeyRotationsCommand({ KeyId: other.keyId, Marker: first.NextMarker })),
      t.kms.send(new ListKeyRotationsCommand({ KeyId: keyId, Marker: 'qkms2.forged' })),
    ]) {
      expect(await failure(attempt)).toBeInstanceOf(InvalidMarkerException);
    }
  });
});

describe('automatic rotation', () => {
  const status = (keyId: string) => t.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));

  it('enables, reports and disables the schedule; the period defaults to 365 days', async () => {
    const { keyId, arn } = await newKey();
    expect(await status(keyId)).toMatchObject({ KeyId: arn, KeyRotationEnabled: false });
    expect((await status(keyId)).NextRotationDate).toBeUndefined();
    await t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    const on = await status(keyId);
    expect(on).toMatchObject({ KeyId: arn, KeyRotationEnabled: true, RotationPeriodInDays: 365 });
    expect(on.NextRotationDate?.getTime()).toBe((clock + 365 * DAY) * 1000);
    expect(on.OnDemandRotationStartDate).toBeUndefined();
    // A new period keeps the start of the current one.
    await t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    expect((await status(keyId)).NextRotationDate?.getTime()).toBe((clock + 90 * DAY) * 1000);
    await t.kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    const off = await status(keyId);
    expect(off.KeyRotationEnabled).toBe(false);
    expect(off.RotationPeriodInDays).toBeUndefined();
    // Off twice is no error.
    await t.kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
  });

  it('refuses a period outside 90–2560 days with AWS’s validation message', async () => {
    const { keyId } = await newKey();
    for (const [days, bound] of [
      [89, 'greater than or equal to 90'],
      [2561, 'less than or equal to 2560'],
    ] as const) {
      const err = await failure(
        t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: days })),
      );
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(
        `1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value ${bound}`,
      );
    }
    for (const days of [90, 2560]) {
      await t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: days }));
      expect((await status(keyId)).RotationPeriodInDays).toBe(days);
    }
  });

  it('rotates once the date passes (injected clock), and moves the date on by one period', async () => {
    const { keyId } = await newKey();
    await t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const before = await encrypt(t.kms, keyId, 'before automatic');
    const due = clock + 90 * DAY;
    clock = due - 1;
    await t.gateway.store.rotateDue();
    expect(await allRotations(t.kms, keyId)).toEqual([]);
    clock = due;
    // Whether this call or the gateway's own maintenance round did it, it happened once.
    await t.gateway.store.rotateDue();
    await t.gateway.store.rotateDue();
    const rotations = await allRotations(t.kms, keyId);
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).toMatchObject({ KeyId: keyId, RotationType: 'AUTOMATIC' });
    expect(rotations[0]?.RotationDate?.getTime()).toBe(due * 1000);
    expect((await status(keyId)).NextRotationDate?.getTime()).toBe((due + 90 * DAY) * 1000);
    const after = await encrypt(t.kms, keyId, 'after automatic');
    expect(materialIdOf(after)).toBe(rotations[0]?.KeyMaterialId);
    expect(await decrypt(t.kms, before, 'before automatic')).toBe('before automatic');
    expect(await decrypt(t.kms, after, 'after automatic')).toBe('after automatic');
  });

  it('keeps the schedule of a disabled key, hides it while pending deletion, restores it on cancel', async () => {
    const { keyId, arn } = await newKey();
    await t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    await t.kms.send(new DisableKeyCommand({ KeyId: keyId }));
    expect((await status(keyId)).KeyRotationEnabled).toBe(true);
    for (const attempt of [
      t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId })),
      t.kms.send(new DisableKeyRotationCommand({ KeyId: keyId })),
      t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
    ]) {
      const err = await failure(attempt);
      expect(err).toBeInstanceOf(DisabledException);
      expect(err.message).toBe(`${arn} is disabled.`);
    }
    // The sweeper leaves a disabled key alone, however late it is.
    clock += 400 * DAY;
    await t.gateway.store.rotateDue();
    expect(await allRotations(t.kms, keyId)).toEqual([]);
    await t.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect((await status(keyId)).KeyRotationEnabled).toBe(false);
    for (const attempt of [
      t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId })),
      t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
    ]) {
      const err = await failure(attempt);
      expect(err).toBeInstanceOf(KMSInvalidStateException);
      expect(err.message).toBe(`${arn} is pending deletion.`);
    }
    await t.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    expect((await status(keyId)).KeyRotationEnabled).toBe(true);
    // Enabled again a year late: rotated at once, and the next period starts now.
    await t.kms.send(new EnableKeyCommand({ KeyId: keyId }));
    await t.gateway.store.rotateDue();
    expect(await allRotations(t.kms, keyId)).toHaveLength(1);
    expect((await status(keyId)).NextRotationDate?.getTime()).toBe((clock + 365 * DAY) * 1000);
  });

  it('refuses asymmetric and HMAC keys; their status is false', async () => {
    for (const spec of ['ECC_NIST_P256', 'HMAC_256'] as const) {
      const { keyId, arn } = await newKey(t.kms, spec);
      expect(await status(keyId)).toEqual(
        expect.objectContaining({ KeyId: arn, KeyRotationEnabled: false }),
      );
      for (const attempt of [
        t.kms.send(new EnableKeyRotationCommand({ KeyId: keyId })),
        t.kms.send(new DisableKeyRotationCommand({ KeyId: keyId })),
        t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
        t.kms.send(new ListKeyRotationsCommand({ KeyId: keyId })),
      ]) {
        const err = await failure(attempt);
        expect(err).toBeInstanceOf(UnsupportedOperationException);
        expect(err.message).toBe(
          'You cannot perform this operation on a non-symmetric key or a key with non-ENCRYPT_DECRYPT key usage.',
        );
      }
    }
  });
});

describe('a restart', () => {
  it('decrypts, after a restart on the same token, what was encrypted before each rotation', async () => {
    const { keyId } = await newKey();
    const made: { blob: Buffer; text: string }[] = [];
    for (let i = 0; i < 3; i++) {
      made.push({ blob: await encrypt(t.kms, keyId, `restart ${i}`), text: `restart ${i}` });
      await t.kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    }
    await t.close();
    t = await startTestGateway({ now: () => clock });
    for (const { blob, text } of made) expect(await decrypt(t.kms, blob, text)).toBe(text);
    const after = await encrypt(t.kms, keyId, 'after the restart');
    expect(materialIdOf(after)).toBe((await allRotations(t.kms, keyId))[2]?.KeyMaterialId);
  }, 60_000);
});
