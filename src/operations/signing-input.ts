// The input members Sign and Verify share, and the checks of them both answer, written once.

import { MESSAGE_TYPES, SIGNING_ALGORITHMS } from '../crypto/signing-algorithms';
import type { ErrorTable } from './error-tables';
import { GRANT_TOKENS, KEY_ID } from './input-schema';

export const SIGNING_MEMBERS = {
  KeyId: KEY_ID,
  Message: { kind: 'blob', required: true, min: 1, max: 4096 },
  MessageType: { kind: 'string', enum: MESSAGE_TYPES },
  SigningAlgorithm: { kind: 'string', required: true, enum: SIGNING_ALGORITHMS },
  GrantTokens: GRANT_TOKENS,
  DryRun: { kind: 'boolean' },
} as const;

/** What key-use.ts's signingPlan refuses, for Sign and Verify alike. */
export const SIGNING_ERRORS: ErrorTable = [
  {
    name: 'InvalidKeyUsageException',
    when: "The key's usage is not SIGN_VERIFY, or `SigningAlgorithm` is not one of its key spec's algorithms.",
  },
  {
    name: 'ValidationException',
    when: "`MessageType` is not valid for the algorithm (Ed25519 takes RAW, Ed25519ph DIGEST), or a DIGEST message is not exactly the algorithm's hash length.",
  },
  {
    name: 'UnsupportedOperationException',
    when: "The algorithm is not available on this gateway's HSM (its mechanism is missing or failed the start-up check).",
  },
];
