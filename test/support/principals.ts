// Named principals for SigV4 policy tests: the credentials the gateway loads (QKMS_CREDENTIALS)
// and one real SDK client per principal, signing with that principal's keys.

import { KMSClient } from '@aws-sdk/client-kms';

export type PrincipalKeys = Record<string, { accessKeyId: string; secretAccessKey: string }>;

/** The credentials document naming each principal with its one access key. */
export const credentialsYaml = (keys: PrincipalKeys): string =>
  `principals:\n${Object.entries(keys)
    .map(
      ([name, k]) =>
        `  ${name}:\n    - accessKeyId: ${k.accessKeyId}\n      secretAccessKey: ${k.secretAccessKey}\n`,
    )
    .join('')}`;

/** One client per principal against `endpoint`; destroy them with destroyClients. */
export function principalClients<K extends PrincipalKeys>(
  endpoint: string,
  keys: K,
): Record<keyof K, KMSClient> {
  const clients = {} as Record<keyof K, KMSClient>;
  for (const name of Object.keys(keys) as (keyof K)[]) {
    clients[name] = new KMSClient({
      endpoint,
      region: 'us-east-1',
      credentials: keys[name] as PrincipalKeys[string],
      maxAttempts: 1,
    });
  }
  return clients;
}

export const destroyClients = (clients: Record<string, KMSClient>): void =>
  Object.values(clients).forEach((c) => c.destroy());
