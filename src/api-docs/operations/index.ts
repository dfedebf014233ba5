// Every served operation's page data, by operation name.

import type { OperationDoc } from '../doc-types';
import { createAliasDoc, deleteAliasDoc, updateAliasDoc } from './aliases';
import { createKeyDoc } from './create-key';
import { generateDataKeyDoc, generateDataKeyWithoutPlaintextDoc } from './data-keys';
import { describeKeyDoc } from './describe-key';
import { decryptDoc, encryptDoc, reEncryptDoc } from './encryption';
import { generateDataKeyPairDoc, generateDataKeyPairWithoutPlaintextDoc } from './data-key-pairs';
import { deriveSharedSecretDoc } from './derive-shared-secret';
import { generateRandomDoc } from './generate-random';
import { getKeyLastUsageDoc } from './get-key-last-usage';
import { getPublicKeyDoc } from './get-public-key';
import {
  listResourceTagsDoc,
  tagResourceDoc,
  untagResourceDoc,
  updateKeyDescriptionDoc,
} from './key-records';
import {
  cancelKeyDeletionDoc,
  disableKeyDoc,
  enableKeyDoc,
  scheduleKeyDeletionDoc,
} from './key-states';
import { listAliasesDoc } from './list-aliases';
import { listKeysDoc } from './list-keys';
import { generateMacDoc, verifyMacDoc } from './mac';
import {
  disableKeyRotationDoc,
  enableKeyRotationDoc,
  getKeyRotationStatusDoc,
  listKeyRotationsDoc,
  rotateKeyOnDemandDoc,
} from './rotation';
import { signDoc } from './sign';
import { verifyDoc } from './verify';

export const OPERATION_DOCS: ReadonlyMap<string, OperationDoc> = new Map([
  ['Sign', signDoc],
  ['Verify', verifyDoc],
  ['GetPublicKey', getPublicKeyDoc],
  ['DescribeKey', describeKeyDoc],
  ['ListKeys', listKeysDoc],
  ['ListAliases', listAliasesDoc],
  ['CreateKey', createKeyDoc],
  ['CreateAlias', createAliasDoc],
  ['UpdateAlias', updateAliasDoc],
  ['DeleteAlias', deleteAliasDoc],
  ['EnableKey', enableKeyDoc],
  ['DisableKey', disableKeyDoc],
  ['ScheduleKeyDeletion', scheduleKeyDeletionDoc],
  ['CancelKeyDeletion', cancelKeyDeletionDoc],
  ['UpdateKeyDescription', updateKeyDescriptionDoc],
  ['TagResource', tagResourceDoc],
  ['UntagResource', untagResourceDoc],
  ['ListResourceTags', listResourceTagsDoc],
  ['GenerateMac', generateMacDoc],
  ['VerifyMac', verifyMacDoc],
  ['GetKeyLastUsage', getKeyLastUsageDoc],
  ['Encrypt', encryptDoc],
  ['Decrypt', decryptDoc],
  ['ReEncrypt', reEncryptDoc],
  ['GenerateDataKey', generateDataKeyDoc],
  ['GenerateDataKeyWithoutPlaintext', generateDataKeyWithoutPlaintextDoc],
  ['GenerateDataKeyPair', generateDataKeyPairDoc],
  ['GenerateDataKeyPairWithoutPlaintext', generateDataKeyPairWithoutPlaintextDoc],
  ['DeriveSharedSecret', deriveSharedSecretDoc],
  ['GenerateRandom', generateRandomDoc],
  ['EnableKeyRotation', enableKeyRotationDoc],
  ['DisableKeyRotation', disableKeyRotationDoc],
  ['GetKeyRotationStatus', getKeyRotationStatusDoc],
  ['RotateKeyOnDemand', rotateKeyOnDemandDoc],
  ['ListKeyRotations', listKeyRotationsDoc],
]);
