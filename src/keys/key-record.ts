// A KMS key as QKMS knows it: the metadata KMS reports plus where its objects are in the token.

import type { KeyObject } from 'node:crypto';
import type { KeySpec } from '../crypto/key-specs';
import type { KeyShape } from '../crypto/signing-algorithms';
import type { KeyLocator } from '../pkcs11/token-api';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** What is stored in the token's CKO_DATA metadata object (or comes from the config catalog). */
export interface KeyMetadataRecord {
  readonly keyId: string;
  readonly keySpec: KeySpec;
  readonly keyUsage: 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC';
  readonly description: string;
  readonly state: KeyState;
  /** Epoch seconds. */
  readonly creationDate: number;
  readonly deletionDate?: number;
  readonly origin: 'AWS_KMS' | 'EXTERNAL';
  readonly aliases: readonly { readonly name: string; readonly creationDate: number }[];
  readonly tags: readonly Tag[];
  readonly locator: KeyLocator;
}

export interface Tag {
  readonly TagKey: string;
  readonly TagValue: string;
}

/** The public half of an asymmetric key, read from the token once and cached. */
export interface AsymmetricKey {
  readonly spki: Buffer;
  readonly publicKey: KeyObject;
  readonly shape: KeyShape;
}

/** A key ready for use: metadata plus, for key pairs, the cached public key. */
export interface KeyEntry {
  readonly record: KeyMetadataRecord;
  readonly arn: string;
  /** Null for HMAC (secret) keys. */
  readonly asymmetric: AsymmetricKey | null;
  /** Where the record lives: the token's metadata objects, or the config file's catalog. */
  readonly source: 'token' | 'config';
  /** Revision of the token metadata object (0 for keys known only from the config file). */
  readonly revision: number;
  /** Exact label of that metadata object, null for config-only keys. */
  readonly label: string | null;
}
