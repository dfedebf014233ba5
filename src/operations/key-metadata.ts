// KeyMetadata as DescribeKey returns it (and CreateKey will), built from a catalog entry.

import { KEY_SPEC_TABLE } from '../crypto/key-specs';
import type { KeyEntry } from '../keys/key-record';
import type { OperationContext, OperationOutput } from './operation';
import { servedAlgorithms } from './key-use';
import { keyMaterialId } from './material-id';

export function keyMetadata(key: KeyEntry, ctx: OperationContext): OperationOutput {
  const r = key.record;
  const spec = KEY_SPEC_TABLE[r.keySpec];
  // Symmetric encryption keys have materials; the newest is the one Encrypt uses.
  const current = r.materials?.[r.materials.length - 1];
  return {
    AWSAccountId: ctx.scope.account,
    KeyId: r.keyId,
    Arn: key.arn,
    CreationDate: r.creationDate,
    Enabled: r.state === 'Enabled',
    Description: r.description,
    KeyUsage: r.keyUsage,
    KeyState: r.state,
    ...(r.deletionDate === undefined ? {} : { DeletionDate: r.deletionDate }),
    Origin: r.origin,
    KeyManager: 'CUSTOMER',
    ...(spec.legacyCustomerMasterKeySpec ? { CustomerMasterKeySpec: r.keySpec } : {}),
    KeySpec: r.keySpec,
    ...servedAlgorithms(key, ctx),
    MultiRegion: false,
    ...(current ? { CurrentKeyMaterialId: keyMaterialId(current.materialId) } : {}),
  };
}
