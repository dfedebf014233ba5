// docs/integrations.md, the client every recipe takes: QKMS reached through an explicit
// endpoint or through AWS_ENDPOINT_URL_KMS, and the explicit credentials really used.

import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import type { TestGateway } from '../support/test-token';
import { qkmsClient } from './recipes/client';
import { RECIPE_CREDENTIALS, startRecipeGateway } from './support/recipe-gateway';

const KEY = demoAlias('ECC_NIST_P256');
let t: TestGateway;
const endpointBefore = process.env.AWS_ENDPOINT_URL_KMS;

beforeAll(async () => {
  t = await startRecipeGateway();
}, 60_000);

afterAll(async () => {
  if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_KMS;
  else process.env.AWS_ENDPOINT_URL_KMS = endpointBefore;
  await t?.close();
});

const describeKey = async (kms: ReturnType<typeof qkmsClient>) => {
  try {
    return (await kms.send(new DescribeKeyCommand({ KeyId: KEY }))).KeyMetadata?.KeySpec;
  } finally {
    kms.destroy();
  }
};

test('an explicit endpoint reaches QKMS', async () => {
  await expect(describeKey(qkmsClient(t.gateway.url, RECIPE_CREDENTIALS))).resolves.toBe(
    'ECC_NIST_P256',
  );
});

test('without one, the SDK takes QKMS from AWS_ENDPOINT_URL_KMS', async () => {
  process.env.AWS_ENDPOINT_URL_KMS = t.gateway.url;
  await expect(describeKey(qkmsClient(undefined, RECIPE_CREDENTIALS))).resolves.toBe(
    'ECC_NIST_P256',
  );
});

test('the credentials given are the ones QKMS checks', async () => {
  const wrong = { ...RECIPE_CREDENTIALS, secretAccessKey: 'not-the-secret' };
  await expect(describeKey(qkmsClient(t.gateway.url, wrong))).rejects.toMatchObject({
    name: 'InvalidSignatureException',
  });
});
