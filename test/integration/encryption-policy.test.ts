// Key policies for the encryption operations through the real SDK: Decrypt is checked against
// the key a symmetric ciphertext names, ReEncrypt needs kms:ReEncryptFrom and kms:ReEncryptTo,
// and kms:EncryptionContext:<key>, kms:EncryptionContextKeys and kms:EncryptionAlgorithm narrow
// what a principal may do.

import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { credentialsYaml, destroyClients, principalClients } from '../support/principals';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEYS = {
  admin: { accessKeyId: 'QKMSENCADMIN0001', secretAccessKey: 'enc-admin-secret-0123456' },
  blue: { accessKeyId: 'QKMSENCBLUE00001', secretAccessKey: 'enc-blue-secret-01234567' },
  mover: { accessKeyId: 'QKMSENCMOVER0001', secretAccessKey: 'enc-mover-secret-0123456' },
  scoped: { accessKeyId: 'QKMSENCSCOPED001', secretAccessKey: 'enc-scoped-secret-012345' },
};
const CREDENTIALS = credentialsYaml(KEYS);

const POLICY = [
  { principals: ['admin'], actions: ['kms:*'] },
  {
    principals: ['blue'],
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
    keys: ['alias/tenants'],
    conditions: { 'kms:EncryptionContext:tenant': ['blue'] },
  },
  {
    effect: 'deny',
    principals: ['blue'],
    actions: ['kms:Encrypt'],
    conditions: { 'kms:EncryptionContext:constructor': ['restricted'] },
  },
  // May move ciphertexts off alias/tenants onto alias/archive, and nowhere else.
  { principals: ['mover'], actions: ['kms:ReEncryptFrom'], keys: ['alias/tenants'] },
  { principals: ['mover'], actions: ['kms:ReEncryptTo'], keys: ['alias/archive'] },
  // May encrypt under alias/archive with a context made of these keys only.
  {
    principals: ['scoped'],
    actions: ['kms:Encrypt'],
    keys: ['alias/archive'],
    conditions: { 'kms:EncryptionContextKeys': ['project', 'stage'] },
  },
];

let t: TestGateway;
let clients: Record<keyof typeof KEYS, KMSClient> | undefined;
const client = (name: keyof typeof KEYS): KMSClient =>
  (clients as Record<keyof typeof KEYS, KMSClient>)[name];
let tenants = '';
let archive = '';
let other = '';

beforeAll(async () => {
  t = await startTestGateway({
    env: { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS },
    policy: POLICY,
    clientCredentials: KEYS.admin,
  });
  clients = principalClients(t.gateway.url, KEYS);
  const admin = client('admin');
  for (const name of ['tenants', 'archive', 'other']) {
    const id = (await admin.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    if (name !== 'other')
      await admin.send(new CreateAliasCommand({ AliasName: `alias/${name}`, TargetKeyId: id }));
    if (name === 'tenants') tenants = id;
    else if (name === 'archive') archive = id;
    else other = id;
  }
}, 60_000);
afterAll(async () => {
  if (clients) destroyClients(clients);
  await t?.close();
});

const denied = (who: string, action: string, keyId: string) =>
  `User: ${who} is not authorized to perform: ${action} on resource: arn:aws:kms:us-east-1:111122223333:key/${keyId} because no QKMS policy allows the ${action} action`;

it('allows a tenant its own context value and nothing else', async () => {
  const context = { tenant: 'blue' };
  const sealed = await client('blue').send(
    new EncryptCommand({
      KeyId: 'alias/tenants',
      Plaintext: Buffer.from('blue data'),
      EncryptionContext: context,
    }),
  );
  // Decrypt names no key: the ciphertext's key is the one the policy is matched against.
  const opened = await client('blue').send(
    new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context }),
  );
  expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('blue data');
  const dataKey = await client('blue').send(
    new GenerateDataKeyCommand({
      KeyId: 'alias/tenants',
      KeySpec: 'AES_256',
      EncryptionContext: context,
    }),
  );
  expect(dataKey.Plaintext?.length).toBe(32);

  const red = await failure(
    client('blue').send(
      new EncryptCommand({
        KeyId: 'alias/tenants',
        Plaintext: Buffer.from('x'),
        EncryptionContext: { tenant: 'red' },
      }),
    ),
  );
  expect(red.name).toBe('AccessDeniedException');
  expect(red.message).toBe(denied('blue', 'kms:Encrypt', tenants));
  const none = await failure(
    client('blue').send(
      new EncryptCommand({ KeyId: 'alias/tenants', Plaintext: Buffer.from('x') }),
    ),
  );
  expect(none.message).toBe(denied('blue', 'kms:Encrypt', tenants));
});

it('kms:EncryptionContextKeys: only contexts made of the listed keys, and only with a context', async () => {
  const encrypt = (EncryptionContext?: Record<string, string>) =>
    client('scoped').send(
      new EncryptCommand({
        KeyId: 'alias/archive',
        Plaintext: Buffer.from('scoped'),
        ...(EncryptionContext ? { EncryptionContext } : {}),
      }),
    );
  const context = { project: 'p1', stage: 'prod' };
  const sealed = await encrypt(context);
  const opened = await client('admin').send(
    new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context }),
  );
  expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('scoped');
  await encrypt({ stage: 'dev' });
  const refusals: (Record<string, string> | undefined)[] = [
    { project: 'p1', owner: 'me' },
    { Project: 'p1' },
    undefined,
  ];
  for (const refused of refusals) {
    const err = await failure(encrypt(refused));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toBe(denied('scoped', 'kms:Encrypt', archive));
  }
});

it('checks Decrypt against the key the ciphertext names, not only a KeyId', async () => {
  const elsewhere = await client('admin').send(
    new EncryptCommand({
      KeyId: other,
      Plaintext: Buffer.from('not blue'),
      EncryptionContext: { tenant: 'blue' },
    }),
  );
  const err = await failure(
    client('blue').send(
      new DecryptCommand({
        CiphertextBlob: elsewhere.CiphertextBlob,
        EncryptionContext: { tenant: 'blue' },
      }),
    ),
  );
  expect(err.name).toBe('AccessDeniedException');
  expect(err.message).toBe(denied('blue', 'kms:Decrypt', other));
});

it('needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination', async () => {
  const sealed = await client('admin').send(
    new EncryptCommand({ KeyId: tenants, Plaintext: Buffer.from('to archive') }),
  );
  const moved = await client('mover').send(
    new ReEncryptCommand({
      CiphertextBlob: sealed.CiphertextBlob,
      DestinationKeyId: 'alias/archive',
    }),
  );
  expect(moved.SourceKeyId).toBe(`arn:aws:kms:us-east-1:111122223333:key/${tenants}`);
  const back = await client('admin').send(
    new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob }),
  );
  expect(Buffer.from(back.Plaintext as Uint8Array).toString()).toBe('to archive');

  const wrongTarget = await failure(
    client('mover').send(
      new ReEncryptCommand({ CiphertextBlob: sealed.CiphertextBlob, DestinationKeyId: other }),
    ),
  );
  expect(wrongTarget.message).toBe(denied('mover', 'kms:ReEncryptTo', other));
  const wrongSource = await failure(
    client('mover').send(
      new ReEncryptCommand({
        CiphertextBlob: moved.CiphertextBlob,
        DestinationKeyId: 'alias/archive',
      }),
    ),
  );
  expect(wrongSource.message).toBe(denied('mover', 'kms:ReEncryptFrom', archive));
  // Neither may the mover read what it moves.
  const read = await failure(
    client('mover').send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob })),
  );
  expect(read.message).toBe(denied('mover', 'kms:Decrypt', tenants));
});

it('binds context keys named like prototype members, and policies see them', async () => {
  // Computed keys: own properties named __proto__ and constructor, as JSON.parse makes them.
  const context: Record<string, string> = {
    tenant: 'blue',
    ['__proto__']: 'x',
    ['constructor']: 'y',
    ['prototype']: 'z',
  };
  expect(Object.keys(context)).toEqual(['tenant', '__proto__', 'constructor', 'prototype']);
  const sealed = await client('admin').send(
    new EncryptCommand({
      KeyId: other,
      Plaintext: Buffer.from('bound'),
      EncryptionContext: context,
    }),
  );
  const opened = await client('admin').send(
    new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context }),
  );
  expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('bound');
  for (const dropped of ['__proto__', 'constructor', 'prototype']) {
    const fewer = Object.fromEntries(Object.entries(context).filter(([k]) => k !== dropped));
    const err = await failure(
      client('admin').send(
        new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: fewer }),
      ),
    );
    expect(err.name).toBe('InvalidCiphertextException');
  }
  const deniedByName = await failure(
    client('blue').send(
      new EncryptCommand({
        KeyId: 'alias/tenants',
        Plaintext: Buffer.from('x'),
        EncryptionContext: { tenant: 'blue', ['constructor']: 'restricted' },
      }),
    ),
  );
  expect(deniedByName.message).toMatch(/with an explicit deny in a QKMS policy$/);
});
