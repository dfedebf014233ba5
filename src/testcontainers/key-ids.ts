// The second half of "ready": the keys a test asked for exist. QKMS makes them before /readyz
// answers 200, so each alias is looked up once; one missing now never comes, and is reported at
// once instead of waited for (an image older than QKMS_DEV_KEYS ignores the variable).

import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/** Fills `keyIds` with the key id of every alias, or throws naming the alias and the image. */
export async function lookUpKeyIds(
  client: KMSClient,
  aliases: readonly string[],
  image: string,
  keyIds: Map<string, string>,
): Promise<void> {
  for (const alias of aliases) {
    let keyId: string | undefined;
    try {
      keyId = (await client.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.KeyId;
    } catch (err) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new Error(
        `QKMS (${image}) is ready, but DescribeKey ${alias} failed (${why}). An image built before QKMS_DEV_KEYS existed makes no keys: rebuild it.`,
        { cause: err },
      );
    }
    if (keyId === undefined) throw new Error(`QKMS (${image}) described ${alias} without a KeyId`);
    keyIds.set(alias, keyId);
  }
}
