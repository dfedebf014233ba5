// QKMS_DEV_KEYS on a real SoftHSM token: the keys and aliases are made once, a second start on
// the same token makes nothing and keeps every key id, and an entry the token contradicts is
// refused with the entry named. The keys are then used through the SDK, as a test would.

import { randomUUID } from 'node:crypto';
import {
  DescribeKeyCommand,
  GenerateMacCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { DEV_KEYS_TAG, ensureDevKeys } from '../../src/cli/dev-keys-ensure';
import { parseDevKeys } from '../../src/cli/dev-keys';
import { startTestGateway, type TestGateway } from '../support/test-token';

let qkms: TestGateway;
// The test token is shared by the whole run: these aliases are this file's alone.
const run = randomUUID().slice(0, 8);
const app = `alias/dev-keys-${run}-app`;
const mac = `alias/dev-keys-${run}-mac`;
const current = `alias/dev-keys-${run}-current`;

const ensure = (value: string) => {
  const { catalog, store, capabilities } = qkms.gateway;
  return ensureDevKeys(parseDevKeys(value), catalog, store, capabilities);
};

async function metadataOf(alias: string) {
  return (await qkms.kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata;
}

beforeAll(async () => {
  qkms = await startTestGateway();
});
afterAll(() => qkms?.close());

describe('the demo keys of a fresh token', () => {
  it.each([
    ['alias/demo-symmetric', 'SYMMETRIC_DEFAULT', 'ENCRYPT_DECRYPT'],
    ['alias/demo-rsa-encrypt', 'RSA_2048', 'ENCRYPT_DECRYPT'],
    ['alias/demo-ecdh-p256', 'ECC_NIST_P256', 'KEY_AGREEMENT'],
    ['alias/demo-rsa-2048', 'RSA_2048', 'SIGN_VERIFY'],
    ['alias/demo-ecc-nist-p256', 'ECC_NIST_P256', 'SIGN_VERIFY'],
  ])('%s is a %s key with key usage %s', async (alias, KeySpec, KeyUsage) => {
    expect(await metadataOf(alias)).toMatchObject({ KeySpec, KeyUsage, KeyState: 'Enabled' });
  });
});

describe('QKMS_DEV_KEYS on a token', () => {
  const value = `${app}=ECC_NIST_P256,${mac}=HMAC_256,${current}=${app}`;

  it('makes each key with its alias, and the extra alias for the key it names', async () => {
    expect(await ensure(value)).toEqual([app, mac, current]);
    const appKey = await metadataOf(app);
    expect(appKey).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect((await metadataOf(current))?.KeyId).toBe(appKey?.KeyId);
    const macKey = await metadataOf(mac);
    expect(macKey).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    const { Mac } = await qkms.kms.send(
      new GenerateMacCommand({
        KeyId: mac,
        Message: Buffer.from('m'),
        MacAlgorithm: 'HMAC_SHA_256',
      }),
    );
    expect(Mac?.length).toBe(32);
    const { Tags } = await qkms.kms.send(new ListResourceTagsCommand({ KeyId: app }));
    expect(Tags).toEqual([DEV_KEYS_TAG]);
  });

  it('makes nothing the second time and keeps every key', async () => {
    const before = [(await metadataOf(app))?.KeyId, (await metadataOf(mac))?.KeyId];
    expect(await ensure(value)).toEqual([]);
    expect([(await metadataOf(app))?.KeyId, (await metadataOf(mac))?.KeyId]).toEqual(before);
  });

  it('refuses an alias that already names a key of another spec', async () => {
    const keyId = (await metadataOf(app))?.KeyId;
    await expect(ensure(`${app}=RSA_2048`)).rejects.toThrow(
      `QKMS_DEV_KEYS entry "${app}=RSA_2048": ${app} already names key ${keyId}, whose spec is ECC_NIST_P256; use another alias or a new data directory`,
    );
  });

  it('refuses an alias entry whose alias names another key, or whose target names none', async () => {
    const [appId, macId] = [(await metadataOf(app))?.KeyId, (await metadataOf(mac))?.KeyId];
    await expect(ensure(`${current}=${mac}`)).rejects.toThrow(
      `QKMS_DEV_KEYS entry "${current}=${mac}": ${current} already names key ${appId}, not ${macId} which ${mac} names`,
    );
    const nowhere = `alias/dev-keys-${run}-nowhere`;
    await expect(ensure(`alias/dev-keys-${run}-x=${nowhere}`)).rejects.toThrow(
      `QKMS_DEV_KEYS entry "alias/dev-keys-${run}-x=${nowhere}": ${nowhere} names no key (neither an entry before it nor the token has it)`,
    );
  });

  it('makes a key of the usage an entry names after its spec, and holds later starts to it', async () => {
    const inbox = `alias/dev-keys-${run}-inbox`;
    expect(await ensure(`${inbox}=RSA_2048:ENCRYPT_DECRYPT`)).toEqual([inbox]);
    const key = await metadataOf(inbox);
    expect(key).toMatchObject({
      KeySpec: 'RSA_2048',
      KeyUsage: 'ENCRYPT_DECRYPT',
      EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'],
    });
    expect(await ensure(`${inbox}=RSA_2048:ENCRYPT_DECRYPT`)).toEqual([]);
    await expect(ensure(`${inbox}=RSA_2048`)).rejects.toThrow(
      `QKMS_DEV_KEYS entry "${inbox}=RSA_2048": ${inbox} already names key ${key?.KeyId}, whose key usage is ENCRYPT_DECRYPT; use another alias or a new data directory`,
    );
  });

  it('refuses a key spec this token cannot make, naming the entry', async () => {
    const sm2 = `alias/dev-keys-${run}-sm2`;
    await expect(ensure(`${sm2}=SM2`)).rejects.toThrow(
      new RegExp(`^QKMS_DEV_KEYS entry "${sm2}=SM2": this token cannot make SM2 keys \\(.+\\)$`),
    );
    expect(qkms.gateway.catalog.alias(sm2)).toBeUndefined();
  });
});
