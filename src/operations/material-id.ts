// KeyMaterialId, as ListKeyRotations reports it: AWS's shape is 64 lowercase hex characters, so
// QKMS reports the SHA-256 of the material id's 16 bytes. It names one material for good and
// tells nothing about the material itself (the id is a random UUID, not derived from the key).

import { createHash } from 'node:crypto';
import { keyIdBytesHex } from '../keys/key-reference';

export const keyMaterialId = (materialId: string): string =>
  createHash('sha256')
    .update(Buffer.from(keyIdBytesHex(materialId), 'hex'))
    .digest('hex');
