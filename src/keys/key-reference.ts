// Parses the four ways a client names a key: key id, key ARN, alias name, alias ARN.

import type { ArnScope } from './arns';

export type KeyReference =
  | { readonly kind: 'keyId'; readonly keyId: string }
  | { readonly kind: 'alias'; readonly alias: string }
  /** Well-formed but outside this gateway (another region or account): never found. */
  | { readonly kind: 'foreign'; readonly text: string }
  | { readonly kind: 'malformed'; readonly text: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN = /^arn:([^:]+):kms:([^:]*):([^:]*):(key\/.+|alias\/.+)$/;

export function parseKeyReference(text: string, scope: ArnScope): KeyReference {
  if (text.startsWith('alias/')) return { kind: 'alias', alias: text };
  const arn = ARN.exec(text);
  if (arn) {
    const [, partition, region, account, resource = ''] = arn;
    if (partition !== scope.partition || region !== scope.region || account !== scope.account) {
      return { kind: 'foreign', text };
    }
    if (resource.startsWith('alias/')) return { kind: 'alias', alias: resource };
    const keyId = resource.slice('key/'.length);
    return UUID.test(keyId) ? { kind: 'keyId', keyId } : { kind: 'malformed', text };
  }
  if (text.startsWith('arn:')) return { kind: 'malformed', text };
  return UUID.test(text) ? { kind: 'keyId', keyId: text } : { kind: 'malformed', text };
}

/** CKA_ID of a QKMS key: the 16 bytes of its UUID. */
export function keyIdBytesHex(keyId: string): string {
  return keyId.replace(/-/g, '');
}
