// An application's test: QKMS with two keys and an alias, made for this run and thrown away
// after it; what QKMS signs is checked with node:crypto, not by asking QKMS again.

import { createPublicKey, verify } from 'node:crypto';
import {
  GenerateMacCommand,
  GetPublicKeyCommand,
  KMSInvalidMacException,
  SignCommand,
  VerifyMacCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { QkmsContainer, type StartedQkmsContainer } from 'qkms/testcontainers';
import { describeWithEngine as describe } from './engine';

describe('signing through KMS', () => {
  let qkms: StartedQkmsContainer;
  let kms: KMSClient;

  beforeAll(async () => {
    qkms = await new QkmsContainer()
      .withKey({ alias: 'alias/orders', spec: 'ECC_NIST_P256' })
      .withKey({ alias: 'alias/webhooks', spec: 'HMAC_256' })
      .withAlias('alias/orders-current', 'alias/orders')
      .start();
    // Your code would get these from its configuration: qkms.endpoint, qkms.region,
    // qkms.credentials. Here the test uses a client made from them.
    kms = qkms.client();
  }, 120_000);

  afterAll(() => qkms?.stop());

  it('signs with the ECDSA key; node:crypto verifies the signature', async () => {
    const message = Buffer.from('order 42: pay 10 EUR');
    const { Signature } = await kms.send(
      new SignCommand({
        KeyId: 'alias/orders-current',
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const { PublicKey, KeyId } = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/orders' }));
    const publicKey = createPublicKey({
      key: Buffer.from(PublicKey!),
      format: 'der',
      type: 'spki',
    });

    expect(verify('sha256', message, publicKey, Signature!)).toBe(true);
    expect(verify('sha256', Buffer.from('order 42: pay 1000 EUR'), publicKey, Signature!)).toBe(
      false,
    );
    expect(KeyId).toContain(qkms.keyId('alias/orders-current'));
  });

  it('makes and checks MACs with the HMAC key, which never leaves the HSM', async () => {
    const message = Buffer.from('{"event":"paid"}');
    const { Mac } = await kms.send(
      new GenerateMacCommand({
        KeyId: 'alias/webhooks',
        Message: message,
        MacAlgorithm: 'HMAC_SHA_256',
      }),
    );
    const { MacValid } = await kms.send(
      new VerifyMacCommand({
        KeyId: 'alias/webhooks',
        Message: message,
        Mac,
        MacAlgorithm: 'HMAC_SHA_256',
      }),
    );
    expect(MacValid).toBe(true);
    await expect(
      kms.send(
        new VerifyMacCommand({
          KeyId: 'alias/webhooks',
          Message: Buffer.from('{"event":"refunded"}'),
          Mac,
          MacAlgorithm: 'HMAC_SHA_256',
        }),
      ),
    ).rejects.toBeInstanceOf(KMSInvalidMacException);
  });
});
