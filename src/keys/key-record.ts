// A KMS key as QKMS knows it: the metadata KMS reports plus where its objects are in the token,
// and the aliases that name keys. Both are stored records; KeyEntry is what the catalog serves.

import type { KeyObject } from 'node:crypto';
import type { KeySpec, KeyUsage } from '../crypto/key-specs';
import type { KeyShape } from '../crypto/signing-algorithms';
import type { KeyLocator } from '../pkcs11/token-api';

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** A key's stored metadata (in the token or the database), or its entry in the config file. */
export interface KeyMetadataRecord {
  readonly keyId: string;
  readonly keySpec: KeySpec;
  readonly keyUsage: KeyUsage;
  readonly description: string;
  readonly state: KeyState;
  /** Epoch seconds. */
  readonly creationDate: number;
  readonly deletionDate?: number;
  readonly origin: 'AWS_KMS' | 'EXTERNAL';
  readonly tags: readonly Tag[];
  /** The key's objects; for SYMMETRIC_DEFAULT keys, those of its first material. */
  readonly locator: KeyLocator;
  /**
   * SYMMETRIC_DEFAULT keys: every version of the key material, oldest first. The last one
   * encrypts; each decrypts what it encrypted, so none is ever dropped while the key lives.
   */
  readonly materials?: readonly KeyMaterial[];
  /** SYMMETRIC_DEFAULT keys with automatic rotation on; absent while it is off. */
  readonly rotation?: KeyRotation;
}

export interface KeyRotation {
  /** EnableKeyRotation's RotationPeriodInDays (90–2560; 365 when not given). */
  readonly periodDays: number;
  /** Epoch seconds: when the rotation sweeper next makes new material. */
  readonly nextRotationDate: number;
}

/** One version of a symmetric key's material: an AES key object in the token. */
export interface KeyMaterial {
  /**
   * A UUID; its 16 bytes are the AES key object's CKA_ID and ciphertexts name it. The first
   * material's id is the key id itself, so its object is the key's own.
   */
  readonly materialId: string;
  /** Epoch seconds. */
  readonly created: number;
  /** How it came: with the key, or by rotation (ListKeyRotations' RotationType). */
  readonly origin: 'CREATE' | 'AUTOMATIC' | 'ON_DEMAND';
}

/** An alias: its own record, so one name can never point at two keys. */
export interface AliasRecord {
  /** `alias/…` */
  readonly name: string;
  readonly keyId: string;
  /** Epoch seconds. */
  readonly creationDate: number;
  readonly lastUpdatedDate: number;
}

export interface Tag {
  readonly TagKey: string;
  readonly TagValue: string;
}

/** The public half of an asymmetric key, read from the token on first use and cached. */
export interface AsymmetricKey {
  readonly spki: Buffer;
  readonly publicKey: KeyObject;
  readonly shape: KeyShape;
}

/** A key as requests see it: metadata, ARN and the names of its aliases. */
export interface KeyEntry {
  readonly record: KeyMetadataRecord;
  readonly arn: string;
  /** Alias names pointing at this key, in name order. */
  readonly aliases: readonly string[];
  /** Where the record lives: the metadata store, or only the config file's catalog. */
  readonly source: 'store' | 'config';
}
