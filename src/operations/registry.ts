// Which KMS operations QKMS serves, and which it knowingly does not.

import { cancelKeyDeletion } from './cancel-key-deletion';
import { createAlias } from './create-alias';
import { createKey } from './create-key';
import { decrypt } from './decrypt';
import { deleteAlias } from './delete-alias';
import { deriveSharedSecret } from './derive-shared-secret';
import { describeKey } from './describe-key';
import { disableKey } from './disable-key';
import { enableKey } from './enable-key';
import { encrypt } from './encrypt';
import { generateDataKey } from './generate-data-key';
import { generateDataKeyPair, generateDataKeyPairWithoutPlaintext } from './generate-data-key-pair';
import { generateDataKeyWithoutPlaintext } from './generate-data-key-without-plaintext';
import { generateMac } from './generate-mac';
import { generateRandom } from './generate-random';
import { getKeyLastUsage } from './get-key-last-usage';
import { verifyMac } from './verify-mac';
import { scheduleKeyDeletion } from './schedule-key-deletion';
import { listResourceTags } from './list-resource-tags';
import { tagResource } from './tag-resource';
import { untagResource } from './untag-resource';
import { updateAlias } from './update-alias';
import { updateKeyDescription } from './update-key-description';
import { getPublicKey } from './get-public-key';
import { listAliases } from './list-aliases';
import { listKeys } from './list-keys';
import { reEncrypt } from './re-encrypt';
import type { Operation } from './operation';
import { disableKeyRotation } from './disable-key-rotation';
import { enableKeyRotation } from './enable-key-rotation';
import { getKeyRotationStatus } from './get-key-rotation-status';
import { listKeyRotations } from './list-key-rotations';
import { rotateKeyOnDemand } from './rotate-key-on-demand';
import { sign } from './sign';
import { verify } from './verify';

export const OPERATIONS: ReadonlyMap<string, Operation> = new Map(
  [
    sign,
    verify,
    getPublicKey,
    describeKey,
    listKeys,
    listAliases,
    createKey,
    createAlias,
    updateAlias,
    deleteAlias,
    enableKey,
    disableKey,
    scheduleKeyDeletion,
    cancelKeyDeletion,
    updateKeyDescription,
    tagResource,
    untagResource,
    listResourceTags,
    generateMac,
    verifyMac,
    getKeyLastUsage,
    enableKeyRotation,
    disableKeyRotation,
    getKeyRotationStatus,
    rotateKeyOnDemand,
    listKeyRotations,
    encrypt,
    decrypt,
    reEncrypt,
    generateDataKey,
    generateDataKeyWithoutPlaintext,
    generateDataKeyPair,
    generateDataKeyPairWithoutPlaintext,
    deriveSharedSecret,
    generateRandom,
  ].map((op) => [op.name, op]),
);

/** KMS operations that exist but that QKMS does not serve. */
export const NOT_SERVED: ReadonlySet<string> = new Set([
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
  'ReplicateKey',
  'UpdatePrimaryRegion',
  'CreateCustomKeyStore',
  'DeleteCustomKeyStore',
  'DescribeCustomKeyStores',
  'UpdateCustomKeyStore',
  'ConnectCustomKeyStore',
  'DisconnectCustomKeyStore',
]);
