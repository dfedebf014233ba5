// A PKCS#11 failure carried across the thread boundary as plain data: pkcs11js errors do not
// survive structured clone, and some of them are plain Error("CKR_X:n") without a code.

export interface TokenFailure {
  readonly ckr: string;
  readonly code: number | null;
  readonly message: string;
  readonly fn: string;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(readonly failure: TokenFailure) {
    super(`${failure.fn}: ${failure.ckr}${failure.message ? ` (${failure.message})` : ''}`);
  }
  get ckr(): string {
    return this.failure.ckr;
  }
}

// CKR values QKMS treats specially (PKCS#11 2.40 pkcs11t.h), for errors that carry only a number.
const CKR_NAMES: Readonly<Record<number, string>> = {
  0x02: 'CKR_HOST_MEMORY',
  0x05: 'CKR_GENERAL_ERROR',
  0x21: 'CKR_DATA_LEN_RANGE',
  0x30: 'CKR_DEVICE_ERROR',
  0x31: 'CKR_DEVICE_MEMORY',
  0x32: 'CKR_DEVICE_REMOVED',
  0x50: 'CKR_FUNCTION_CANCELED',
  0x60: 'CKR_KEY_HANDLE_INVALID',
  0x63: 'CKR_KEY_TYPE_INCONSISTENT',
  0x68: 'CKR_KEY_FUNCTION_NOT_PERMITTED',
  0x70: 'CKR_MECHANISM_INVALID',
  0x71: 'CKR_MECHANISM_PARAM_INVALID',
  0x82: 'CKR_OBJECT_HANDLE_INVALID',
  0x90: 'CKR_OPERATION_ACTIVE',
  0xa0: 'CKR_PIN_INCORRECT',
  0xa4: 'CKR_PIN_LOCKED',
  0xb0: 'CKR_SESSION_CLOSED',
  0xb3: 'CKR_SESSION_HANDLE_INVALID',
  0xc0: 'CKR_SIGNATURE_INVALID',
  0xc1: 'CKR_SIGNATURE_LEN_RANGE',
  0xe0: 'CKR_TOKEN_NOT_PRESENT',
  0xe1: 'CKR_TOKEN_NOT_RECOGNIZED',
  0x101: 'CKR_USER_NOT_LOGGED_IN',
  0x190: 'CKR_CRYPTOKI_NOT_INITIALIZED',
};

function nameForCode(code: number | null): string {
  // pkcs11js's NativeError (not a PKCS#11 failure) carries code 0, which would read as CKR_OK.
  if (code === null || code === 0) return 'NATIVE_ERROR';
  return CKR_NAMES[code] ?? `CKR_0x${code.toString(16)}`;
}

/** Reads the CKR name out of whatever pkcs11js threw. */
export function describeFailure(err: unknown, fn: string): TokenFailure {
  const message = err instanceof Error ? err.message : String(err);
  const code =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number'
      ? (err as { code: number }).code
      : null;
  const match = /\b((?:CKR|QKMS)_[A-Z_0-9]+)(?::(\d+))?/.exec(message);
  return {
    ckr: match?.[1] ?? nameForCode(code),
    code: code ?? (match?.[2] ? Number(match[2]) : null),
    message: match ? '' : message,
    fn,
  };
}
