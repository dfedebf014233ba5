// Key metadata records for unit tests: an enabled P-256 signing key whose locator is its id's
// bytes, as QKMS creates them, with whatever a test changes.

import type { KeyMetadataRecord } from '../../src/keys/key-record';

export const SCOPE = { partition: 'aws', region: 'us-east-1', account: '111122223333' };
export const ARN_PREFIX = 'arn:aws:kms:us-east-1:111122223333';

export const keyRecord = (
  keyId: string,
  extra: Partial<KeyMetadataRecord> = {},
): KeyMetadataRecord => ({
  keyId,
  keySpec: 'ECC_NIST_P256',
  keyUsage: 'SIGN_VERIFY',
  description: '',
  state: 'Enabled',
  creationDate: 1,
  origin: 'AWS_KMS',
  tags: [],
  locator: { idHex: keyId.replace(/-/g, '') },
  ...extra,
});
