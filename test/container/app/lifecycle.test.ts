// The module's promise to an application's test run: started with its keys and an alias,
// ready to sign at once, and gone after stop(): no container and no volume left on the engine,
// as the Docker API itself reports. Imported as a user imports it: 'qkms/testcontainers'.

import { createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { QkmsContainer, type StartedQkmsContainer } from 'qkms/testcontainers';
import { getContainerRuntimeClient } from 'testcontainers';
import { describeWithEngine } from './engine';

/** 404 from the Docker API: the object does not exist. */
async function gone(inspect: () => Promise<unknown>): Promise<boolean> {
  try {
    await inspect();
    return false;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return true;
    throw err;
  }
}

describeWithEngine('an application test run with QkmsContainer', () => {
  let qkms: StartedQkmsContainer | undefined;

  afterAll(async () => {
    await qkms?.stop().catch(() => undefined); // only if the test failed before its own stop
  });

  it('signs with the keys it asked for, then stops leaving no container or volume', async () => {
    qkms = await new QkmsContainer()
      .withKey({ alias: 'alias/app-ed25519', spec: 'ECC_NIST_EDWARDS25519' })
      .withKey({ alias: 'alias/app-rsa', spec: 'RSA_2048' })
      .withAlias('alias/app', 'alias/app-rsa')
      .start();
    const kms: KMSClient = qkms.client();
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const container = docker.getContainer(qkms.getId());
    const volumes = (await container.inspect()).Mounts.filter((m) => m.Type === 'volume').map(
      (m) => m.Name as string,
    );

    const message = Buffer.from('signed in a throwaway HSM');
    for (const [alias, algorithm, hash] of [
      ['alias/app', 'RSASSA_PKCS1_V1_5_SHA_256', 'sha256'],
      ['alias/app-ed25519', 'ED25519_SHA_512', null],
    ] as const) {
      const { Signature } = await kms.send(
        new SignCommand({ KeyId: alias, Message: message, SigningAlgorithm: algorithm }),
      );
      const { PublicKey, KeyId } = await kms.send(new GetPublicKeyCommand({ KeyId: alias }));
      const key = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
      expect({ alias, valid: verify(hash, message, key, Signature!) }).toEqual({
        alias,
        valid: true,
      });
      expect(verify(hash, Buffer.from('another message'), key, Signature!)).toBe(false);
      expect(KeyId).toMatch(new RegExp(`^arn:aws:kms:us-east-1:\\d+:key/${qkms.keyId(alias)}$`));
    }
    // Two keys; the alias names the RSA one.
    expect(qkms.keyId('alias/app')).toBe(qkms.keyId('alias/app-rsa'));
    expect(qkms.keyId('alias/app')).not.toBe(qkms.keyId('alias/app-ed25519'));

    await qkms.stop();
    qkms = undefined;
    expect(await gone(() => container.inspect())).toBe(true);
    // The token lived in a tmpfs: no volume was made, so none can be left. Were one made (the
    // image declares VOLUME /var/lib/qkms), it would have to be gone too.
    expect(volumes).toEqual([]);
    for (const name of volumes)
      expect(await gone(() => docker.getVolume(name).inspect())).toBe(true);
  }, 180_000);
});
