// The input members GenerateMac and VerifyMac share, written once.

import { MAC_ALGORITHMS } from '../crypto/mac-algorithms';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './input-schema';

export const MAC_MEMBERS = {
  KeyId: KEY_ID,
  Message: { kind: 'blob', required: true, min: 1, max: 4096 },
  MacAlgorithm: { kind: 'string', required: true, enum: MAC_ALGORITHMS },
  GrantTokens: GRANT_TOKENS,
  DryRun: DRY_RUN,
} as const;
