// The input members GenerateMac and VerifyMac share, and the checks of them both answer, written once.

import { MAC_ALGORITHMS } from '../crypto/mac-algorithms';
import type { ErrorTable } from './error-tables';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './input-schema';

export const MAC_MEMBERS = {
  KeyId: KEY_ID,
  Message: { kind: 'blob', required: true, min: 1, max: 4096 },
  MacAlgorithm: { kind: 'string', required: true, enum: MAC_ALGORITHMS },
  GrantTokens: GRANT_TOKENS,
  DryRun: DRY_RUN,
} as const;

/** What key-use.ts's macPlan refuses, for GenerateMac and VerifyMac alike. */
export const MAC_ERRORS: ErrorTable = [
  {
    name: 'InvalidKeyUsageException',
    when: "The key's usage is not GENERATE_VERIFY_MAC, or `MacAlgorithm` does not suit its key spec.",
  },
  {
    name: 'UnsupportedOperationException',
    when: "The MAC algorithm is not available on this gateway's HSM.",
  },
];
