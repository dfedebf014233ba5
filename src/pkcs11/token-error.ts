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

/** Reads the CKR name out of whatever pkcs11js threw. */
export function describeFailure(err: unknown, fn: string): TokenFailure {
  const message = err instanceof Error ? err.message : String(err);
  const code =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number'
      ? (err as { code: number }).code
      : null;
  const match = /\b((?:CKR|QKMS)_[A-Z_0-9]+)(?::(\d+))?/.exec(message);
  return {
    ckr: match?.[1] ?? (code === null ? 'NATIVE_ERROR' : `CKR_0x${code.toString(16)}`),
    code: code ?? (match?.[2] ? Number(match[2]) : null),
    message: match ? '' : message,
    fn,
  };
}
