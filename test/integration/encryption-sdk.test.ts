// The AWS Encryption SDK for JavaScript (@aws-crypto/client-node), unmodified, with a KMS keyring
// whose client points at QKMS: it makes its data key with GenerateDataKey, encrypts a message
// with an encryption context, and decrypts it again through Decrypt.

import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { CreateKeyCommand, KMS } from '@aws-sdk/client-kms';
import { startTestGateway, type TestGateway } from '../support/test-token';

let t: TestGateway;
let keyArn: string;
let otherArn: string;

beforeAll(async () => {
  t = await startTestGateway();
  keyArn = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn as string;
  otherArn = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn as string;
});
afterAll(() => t.close());

/** The keyring asks for a client per Region (from the key ARN); every one is QKMS. */
const qkmsClients = (region: string): KMS =>
  new KMS({
    endpoint: t.gateway.url,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });

describe('AWS Encryption SDK with a KMS keyring on QKMS', () => {
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const context = { tenant: 'acme', purpose: 'qkms-test' };

  test('a message with an encryption context round-trips, and the SDK records its data key under the key', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: qkmsClients });
    const plaintext = Buffer.from('a message longer than a data key, '.repeat(200));

    const { result, messageHeader } = await encrypt(keyring, plaintext, {
      encryptionContext: context,
    });
    expect(result.includes(plaintext.subarray(0, 34))).toBe(false);
    expect(messageHeader.encryptedDataKeys.map((k) => [k.providerId, k.providerInfo])).toEqual([
      ['aws-kms', keyArn],
    ]);
    expect(messageHeader.encryptionContext).toMatchObject(context);

    const opened = await decrypt(keyring, result);
    expect(Buffer.from(opened.plaintext)).toEqual(plaintext);
    expect(opened.messageHeader.encryptionContext).toMatchObject(context);
  });

  test('a keyring with a second key wraps the data key under both; either alone decrypts', async () => {
    const both = new KmsKeyringNode({
      generatorKeyId: keyArn,
      keyIds: [otherArn],
      clientProvider: qkmsClients,
    });
    const { result, messageHeader } = await encrypt(both, Buffer.from('two keys'), {
      encryptionContext: context,
    });
    expect(messageHeader.encryptedDataKeys.map((k) => k.providerInfo)).toEqual([keyArn, otherArn]);
    for (const only of [keyArn, otherArn]) {
      const keyring = new KmsKeyringNode({ generatorKeyId: only, clientProvider: qkmsClients });
      const opened = await decrypt(keyring, result);
      expect(Buffer.from(opened.plaintext).toString()).toBe('two keys');
    }
  });

  test('a data key changed inside the message is refused by QKMS, and nothing decrypts', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: qkmsClients });
    const { result, messageHeader } = await encrypt(keyring, Buffer.from('integrity'), {
      encryptionContext: context,
    });
    // The SDK stores QKMS's ciphertext blob of the data key in the message header: flip a bit
    // of its GCM tag, so only QKMS's Decrypt can notice.
    const sealed = Buffer.from(messageHeader.encryptedDataKeys[0]?.encryptedDataKey as Uint8Array);
    const at = result.indexOf(sealed);
    expect(at).toBeGreaterThan(0);
    const changed = Buffer.from(result);
    changed[at + sealed.length - 1] = (changed[at + sealed.length - 1] as number) ^ 1;
    const seen: string[] = [];
    const watching = (region: string): KMS => {
      const client = qkmsClients(region);
      client.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (err) {
            seen.push((err as Error).name);
            throw err;
          }
        },
        { step: 'initialize' },
      );
      return client;
    };
    const watched = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: watching });
    await expect(decrypt(watched, changed)).rejects.toThrow(/Unable to decrypt data key/);
    expect(seen).toEqual(['InvalidCiphertextException']);
  });
});
