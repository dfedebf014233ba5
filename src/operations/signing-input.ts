// The input members Sign and Verify share, written once.

import { MESSAGE_TYPES, SIGNING_ALGORITHMS } from '../crypto/signing-algorithms';
import { GRANT_TOKENS, KEY_ID } from './input-schema';

export const SIGNING_MEMBERS = {
  KeyId: KEY_ID,
  Message: { kind: 'blob', required: true, min: 1, max: 4096 },
  MessageType: { kind: 'string', enum: MESSAGE_TYPES },
  SigningAlgorithm: { kind: 'string', required: true, enum: SIGNING_ALGORITHMS },
  GrantTokens: GRANT_TOKENS,
  DryRun: { kind: 'boolean' },
} as const;
