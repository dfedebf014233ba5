// The one CKR → KMS table. Each PKCS#11 return value that can reach a client maps to a KMS
// exception name and a fault level: 'session' codes drop the session, 'device' codes mean the
// module must be re-initialised and logged in again. PKCS#11 detail stays in `cause` for logs.

import { KmsError, type KmsErrorName } from '../errors/kms-error';

export type FaultLevel = 'none' | 'session' | 'device';

interface CkrRule {
  readonly kms: KmsErrorName;
  readonly fault: FaultLevel;
}

const RULES: Readonly<Record<string, CkrRule>> = {
  CKR_DEVICE_ERROR: { kms: 'KeyUnavailableException', fault: 'device' },
  CKR_DEVICE_REMOVED: { kms: 'KeyUnavailableException', fault: 'device' },
  CKR_TOKEN_NOT_PRESENT: { kms: 'KeyUnavailableException', fault: 'device' },
  CKR_TOKEN_NOT_RECOGNIZED: { kms: 'KeyUnavailableException', fault: 'device' },
  CKR_CRYPTOKI_NOT_INITIALIZED: { kms: 'KeyUnavailableException', fault: 'device' },
  CKR_USER_NOT_LOGGED_IN: { kms: 'KeyUnavailableException', fault: 'device' },
  CKR_DEVICE_MEMORY: { kms: 'KeyUnavailableException', fault: 'none' },
  CKR_HOST_MEMORY: { kms: 'KMSInternalException', fault: 'none' },
  CKR_SESSION_HANDLE_INVALID: { kms: 'KeyUnavailableException', fault: 'session' },
  CKR_SESSION_CLOSED: { kms: 'KeyUnavailableException', fault: 'session' },
  CKR_OPERATION_ACTIVE: { kms: 'KMSInternalException', fault: 'session' },
  CKR_FUNCTION_CANCELED: { kms: 'DependencyTimeoutException', fault: 'session' },
  CKR_OBJECT_HANDLE_INVALID: { kms: 'KeyUnavailableException', fault: 'none' },
  CKR_KEY_HANDLE_INVALID: { kms: 'KeyUnavailableException', fault: 'none' },
  CKR_KEY_TYPE_INCONSISTENT: { kms: 'InvalidKeyUsageException', fault: 'none' },
  CKR_KEY_FUNCTION_NOT_PERMITTED: { kms: 'InvalidKeyUsageException', fault: 'none' },
  CKR_MECHANISM_INVALID: { kms: 'UnsupportedOperationException', fault: 'none' },
  CKR_MECHANISM_PARAM_INVALID: { kms: 'KMSInternalException', fault: 'none' },
  CKR_DATA_LEN_RANGE: { kms: 'ValidationException', fault: 'none' },
  CKR_SIGNATURE_INVALID: { kms: 'KMSInvalidSignatureException', fault: 'none' },
  CKR_SIGNATURE_LEN_RANGE: { kms: 'KMSInvalidSignatureException', fault: 'none' },
  CKR_PIN_INCORRECT: { kms: 'KeyUnavailableException', fault: 'none' },
  CKR_PIN_LOCKED: { kms: 'KeyUnavailableException', fault: 'none' },
  // QKMS's own codes for failures on the PKCS#11 side that are not CKR values.
  QKMS_POOL_EXHAUSTED: { kms: 'ThrottlingException', fault: 'none' },
  QKMS_DEADLINE_PASSED: { kms: 'DependencyTimeoutException', fault: 'none' },
  QKMS_CLOSING: { kms: 'KeyUnavailableException', fault: 'none' },
  QKMS_RECOVERING: { kms: 'KeyUnavailableException', fault: 'none' },
  QKMS_TOKEN_NOT_FOUND: { kms: 'KeyUnavailableException', fault: 'device' },
  QKMS_NO_PRIVATE_KEY: { kms: 'KMSInvalidStateException', fault: 'none' },
  QKMS_NO_PUBLIC_KEY: { kms: 'KMSInvalidStateException', fault: 'none' },
};

const FALLBACK: CkrRule = { kms: 'KMSInternalException', fault: 'none' };

const CLIENT_MESSAGE: Partial<Record<KmsErrorName, string>> = {
  KeyUnavailableException: 'The HSM holding this key is unavailable. Retry later.',
  DependencyTimeoutException: 'The HSM did not answer in time. Retry later.',
  KMSInvalidSignatureException: 'The signature is not valid for this key and message.',
  InvalidKeyUsageException: 'The key cannot be used for this operation.',
  ThrottlingException: 'Too many requests are waiting for the HSM. Retry later.',
  KMSInvalidStateException: 'The key material needed for this operation is not in the HSM.',
};

/** Whether the table names this code (metrics label only known names). */
export function isKnownCkr(ckrName: string): boolean {
  return (
    Object.hasOwn(RULES, ckrName) || ckrName === 'CKR_GENERAL_ERROR' || ckrName === 'NATIVE_ERROR'
  );
}

export function ckrRule(ckrName: string): CkrRule {
  return Object.hasOwn(RULES, ckrName) ? (RULES[ckrName] as CkrRule) : FALLBACK;
}

/** A PKCS#11 failure as a client-facing KmsError, keeping the CKR name for logs and metrics. */
export function kmsErrorForCkr(ckrName: string, cause: unknown): KmsError {
  const rule = ckrRule(ckrName);
  const message = CLIENT_MESSAGE[rule.kms] ?? 'An internal error occurred.';
  return new KmsError(rule.kms, message, cause);
}
