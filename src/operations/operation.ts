// The shape of a KMS operation: a name, an input schema and a handler that never sees HTTP.

import type { Capabilities } from '../crypto/capabilities';
import type { ArnScope } from '../keys/arns';
import type { AuditTrail } from '../audit/audit-trail';
import type { KeyCatalog } from '../keys/key-catalog';
import type { Caller, KeyStore } from '../keys/key-store';
import type { TokenApi } from '../pkcs11/token-api';
import type { ErrorTable } from './error-tables';
import type { InputOf, InputSchema } from './input-schema';

export interface OperationContext {
  readonly catalog: KeyCatalog;
  readonly store: KeyStore;
  readonly token: TokenApi;
  readonly capabilities: Capabilities;
  readonly scope: ArnScope;
  readonly audit: AuditTrail;
  /** Pairwise check of RSA signatures before they leave (pkcs11.selfVerify). */
  readonly selfVerify: SelfVerify;
}

export interface SelfVerify {
  readonly enabled: boolean;
  /** Called when a signature failed the check: metrics and logs. */
  failed(algorithm: string): void;
}

/** Output values: Buffers become base64 on the wire; dates are epoch-second numbers already. */
export type OperationOutput = Record<string, unknown>;

export interface Operation<S extends InputSchema = InputSchema> {
  readonly name: string;
  readonly input: S;
  /** Whether each call is written to the audit trail: a use of a key, or a change to one. */
  readonly audit?: 'use' | 'change';
  /**
   * The exceptions this operation answers beyond those of every request (http/request-errors.ts),
   * composed from the tables in error-tables.ts; its reference page lists them.
   */
  readonly errors: ErrorTable;
  /** `caller` names who asked: key changes carry it into their audit lines. */
  handle(input: InputOf<S>, ctx: OperationContext, caller: Caller): Promise<OperationOutput>;
}

/** Declares an operation with its input type inferred from the schema. */
export function defineOperation<S extends InputSchema>(op: Operation<S>): Operation {
  return op as unknown as Operation;
}
