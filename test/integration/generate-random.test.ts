// GenerateRandom through the real SDK on SoftHSM: the lengths asked for, fresh bytes each call,
// AWS's validation, the members QKMS refuses, and an audit line that names no key and holds no
// byte of what was returned.

import { readFileSync } from 'node:fs';
import {
  GenerateRandomCommand,
  UnsupportedOperationException,
  type GenerateRandomCommandInput,
} from '@aws-sdk/client-kms';
import { failure } from '../support/failure';
import { startTestGateway, testTokenEnv, type TestGateway } from '../support/test-token';

const AUDIT_FILE = testTokenEnv().QKMS_AUDIT_FILE as string;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
}, 60_000);
afterAll(() => t?.close());

const random = (input: GenerateRandomCommandInput) => t.kms.send(new GenerateRandomCommand(input));

const bytesOf = async (n: number): Promise<Buffer> => {
  const out = await random({ NumberOfBytes: n });
  return Buffer.from(out.Plaintext as Uint8Array);
};

describe('GenerateRandom', () => {
  it.each([1, 32, 1024])('returns exactly %i bytes', async (n) => {
    expect(await bytesOf(n)).toHaveLength(n);
  });

  it('returns different bytes on each call', async () => {
    const [a, b] = [await bytesOf(32), await bytesOf(32)];
    expect(a).not.toEqual(b);
  });

  it.each([
    [0, 'greater than or equal to 1'],
    [1025, 'less than or equal to 1024'],
  ])('refuses NumberOfBytes %i', async (n, bound) => {
    const err = await failure(random({ NumberOfBytes: n }));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      `1 validation error detected: Value '${n}' at 'numberOfBytes' failed to satisfy constraint: Member must have value ${bound}`,
    );
  });

  it('refuses a request without NumberOfBytes, as AWS does (there is no default)', async () => {
    const err = await failure(random({}));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('NumberOfBytes is required.');
  });

  it('refuses a custom key store and a Nitro Enclaves recipient', async () => {
    const store = await failure(
      random({ NumberOfBytes: 8, CustomKeyStoreId: 'cks-1234567890abcdef0' }),
    );
    expect(store).toBeInstanceOf(UnsupportedOperationException);
    expect(store.message).toBe(
      "Custom key stores are not supported: GenerateRandom always draws from the gateway's HSM. Leave CustomKeyStoreId out.",
    );
    const recipient = await failure(
      random({
        NumberOfBytes: 8,
        Recipient: {
          KeyEncryptionAlgorithm: 'RSAES_OAEP_SHA_256',
          AttestationDocument: Buffer.from('a'),
        },
      }),
    );
    expect(recipient).toBeInstanceOf(UnsupportedOperationException);
    expect(recipient.message).toBe(
      'QKMS does not support Recipient: it cannot verify AWS Nitro Enclaves or NitroTPM attestation documents. Leave Recipient out to receive the plaintext.',
    );
  });

  it('is audited as a use that names no key, without the bytes', async () => {
    const out = await random({ NumberOfBytes: 48 });
    const returned = Buffer.from(out.Plaintext as Uint8Array);
    const text = readFileSync(AUDIT_FILE, 'utf8');
    const lines = text
      .split('\n')
      .filter((l) => l.includes(out.$metadata.requestId as string))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      type: 'audit',
      operation: 'GenerateRandom',
      keyArn: null,
      keyId: null,
      outcome: 'success',
    });
    expect(text).not.toContain(returned.toString('base64'));
    expect(text).not.toContain(returned.toString('hex'));
  });
});
