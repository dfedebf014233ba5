// Key policies through the real SDK: allow and deny per key, per action, per tag, per signing
// algorithm, message type and request alias; explicit deny wins; unknown keys stay NotFound.

import { createHash } from 'node:crypto';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  type KMSClient,
  ListKeysCommand,
  NotFoundException,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { credentialsYaml, destroyClients, principalClients } from '../support/principals';
import { startTestGateway, type TestGateway } from '../support/test-token';

const KEYS = {
  alice: { accessKeyId: 'QKMSALICEKEY0001', secretAccessKey: 'alice-secret-0123456789' },
  bob: { accessKeyId: 'QKMSBOBKEY000001', secretAccessKey: 'bob-secret-0123456789ab' },
  carol: { accessKeyId: 'QKMSCAROLKEY0001', secretAccessKey: 'carol-secret-0123456789' },
};
const CREDENTIALS = credentialsYaml(KEYS);
const P256 = demoAlias('ECC_NIST_P256');

const POLICY = [
  {
    principals: ['alice'],
    actions: ['kms:Sign'],
    keys: [P256],
    conditions: { 'kms:SigningAlgorithm': ['ECDSA_SHA_256'], 'kms:MessageType': ['RAW'] },
  },
  // Condition keys a request does not have never match: DescribeKey needs its own statement.
  { principals: ['alice'], actions: ['kms:DescribeKey'], keys: [P256] },
  { principals: ['alice'], actions: ['kms:ListKeys'] },
  { principals: ['bob'], actions: ['kms:*'], keys: ['*'] },
  { effect: 'deny', principals: ['bob'], actions: ['kms:Sign'], tags: { purpose: 'demo' } },
  { principals: ['carol'], actions: ['kms:Sign'], conditions: { 'kms:RequestAlias': [P256] } },
];

let t: TestGateway;
let clients: Record<keyof typeof KEYS, KMSClient> | undefined;

beforeAll(async () => {
  t = await startTestGateway({
    env: { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS },
    policy: POLICY,
  });
  clients = principalClients(t.gateway.url, KEYS);
}, 60_000);
afterAll(async () => {
  if (clients) destroyClients(clients);
  await t?.close();
});

const signInput = (overrides: Partial<SignCommandInput> = {}): SignCommandInput => ({
  KeyId: P256,
  Message: Buffer.from('policy'),
  SigningAlgorithm: 'ECDSA_SHA_256',
  ...overrides,
});

const client = (name: keyof typeof KEYS): KMSClient =>
  (clients as Record<keyof typeof KEYS, KMSClient>)[name];

it('lets a principal do exactly what its statements allow', async () => {
  expect(
    (await client('alice').send(new SignCommand(signInput()))).Signature?.length,
  ).toBeGreaterThan(60);
  expect((await client('alice').send(new ListKeysCommand({}))).Keys?.length).toBeGreaterThan(0);
  expect(
    (await client('alice').send(new DescribeKeyCommand({ KeyId: P256 }))).KeyMetadata?.KeySpec,
  ).toBe('ECC_NIST_P256');
});

it('denies another key, another action and conditions that do not match, in AWS wording', async () => {
  const otherKey = await failure(
    client('alice').send(new DescribeKeyCommand({ KeyId: demoAlias('ECC_NIST_P384') })),
  );
  expect(otherKey.name).toBe('AccessDeniedException');
  const arn = t.gateway.catalog.resolve(demoAlias('ECC_NIST_P384')).arn;
  expect(otherKey.message).toBe(
    `User: alice is not authorized to perform: kms:DescribeKey on resource: ${arn} because no QKMS policy allows the kms:DescribeKey action`,
  );
  const create = await failure(
    client('alice').send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    ),
  );
  expect(create.message).toBe(
    'User: alice is not authorized to perform: kms:CreateKey on resource: * because no QKMS policy allows the kms:CreateKey action',
  );
  const digest = createHash('sha256').update('policy').digest();
  const wrongType = await failure(
    client('alice').send(new SignCommand(signInput({ Message: digest, MessageType: 'DIGEST' }))),
  );
  expect(wrongType.name).toBe('AccessDeniedException');
});

it('lets an explicit deny win over an allow, matched by tag', async () => {
  const err = await failure(client('bob').send(new SignCommand(signInput())));
  expect(err.name).toBe('AccessDeniedException');
  expect(err.message).toMatch(/with an explicit deny in a QKMS policy$/);
  const created = await client('bob').send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
  );
  const untagged = await client('bob').send(
    new SignCommand(signInput({ KeyId: created.KeyMetadata?.KeyId })),
  );
  expect(untagged.Signature?.length).toBeGreaterThan(60);
});

it('matches kms:RequestAlias only when the request names the key by that alias', async () => {
  expect(
    (await client('carol').send(new SignCommand(signInput()))).Signature?.length,
  ).toBeGreaterThan(60);
  const keyId = t.gateway.catalog.resolve(P256).record.keyId;
  const byId = await failure(client('carol').send(new SignCommand(signInput({ KeyId: keyId }))));
  expect(byId.name).toBe('AccessDeniedException');
});

it('still answers NotFoundException for keys that do not exist', async () => {
  const err = await failure(
    client('alice').send(new SignCommand(signInput({ KeyId: 'alias/missing' }))),
  );
  expect(err).toBeInstanceOf(NotFoundException);
});
