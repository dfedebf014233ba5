// Which KMS operations QKMS serves, and which it knowingly does not.

import { describeKey } from './describe-key';
import { getPublicKey } from './get-public-key';
import { listAliases } from './list-aliases';
import { listKeys } from './list-keys';
import type { Operation } from './operation';
import { sign } from './sign';
import { verify } from './verify';

export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  [sign, verify, getPublicKey, describeKey, listKeys, listAliases].map((op) => [op.name, op]),
);

/** KMS operations that exist but that a signing gateway does not serve. */
export const NOT_SERVED: ReadonlySet<string> = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateRandom',
  'DeriveSharedSecret',
  'GetParametersForImport',
  'ImportKeyMaterial',
  'DeleteImportedKeyMaterial',
  'CreateGrant',
  'ListGrants',
  'ListRetirableGrants',
  'RetireGrant',
  'RevokeGrant',
  'GetKeyPolicy',
  'PutKeyPolicy',
  'ListKeyPolicies',
  'GetKeyRotationStatus',
  'EnableKeyRotation',
  'DisableKeyRotation',
  'RotateKeyOnDemand',
  'ListKeyRotations',
  'ReplicateKey',
  'UpdatePrimaryRegion',
  'CreateCustomKeyStore',
  'DeleteCustomKeyStore',
  'DescribeCustomKeyStores',
  'UpdateCustomKeyStore',
  'ConnectCustomKeyStore',
  'DisconnectCustomKeyStore',
  // Key management arrives with the key-lifecycle work; until then these are not served.
  'CreateKey',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
  'EnableKey',
  'DisableKey',
  'ScheduleKeyDeletion',
  'CancelKeyDeletion',
  'UpdateKeyDescription',
  'TagResource',
  'UntagResource',
  'ListResourceTags',
  'GenerateMac',
  'VerifyMac',
  'GetKeyLastUsage',
]);
