// The exceptions of the rotation operations beyond key lookup and metadata changes, declared
// once for the five of them.

import type { ErrorTable } from './error-tables';

const UNSUPPORTED: ErrorTable = [
  {
    name: 'UnsupportedOperationException',
    when: 'The key is not a SYMMETRIC_DEFAULT key with key usage ENCRYPT_DECRYPT (asymmetric and HMAC keys never rotate), or its material was adopted from the HSM (origin EXTERNAL).',
  },
];

export const ROTATION_ERRORS = {
  unsupported: UNSUPPORTED,
  /** EnableKeyRotation, DisableKeyRotation, RotateKeyOnDemand. */
  settings: [
    ...UNSUPPORTED,
    { name: 'DisabledException', when: 'The key is disabled.' },
    { name: 'KMSInvalidStateException', when: 'The key is pending deletion.' },
  ] as ErrorTable,
  onDemand: [
    {
      name: 'LimitExceededException',
      when: 'The key has had 25 on-demand rotations, as many as AWS allows per key.',
    },
  ] as ErrorTable,
};
