// The one error vocabulary of QKMS: every failure a client can see is a KmsError whose name is
// an AWS KMS (or AWS JSON protocol) exception name and whose status is the one AWS uses.
// The HTTP error middleware is the only place that turns these into wire bodies.

/** Exception names QKMS may answer with, each with the HTTP status AWS KMS uses for it. */
export const KMS_ERROR_STATUS = {
  ValidationException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
  UnsupportedOperationException: 400,
  NotFoundException: 400,
  DisabledException: 400,
  KMSInvalidStateException: 400,
  InvalidKeyUsageException: 400,
  KMSInvalidSignatureException: 400,
  KMSInvalidMacException: 400,
  InvalidCiphertextException: 400,
  IncorrectKeyException: 400,
  InvalidGrantTokenException: 400,
  InvalidMarkerException: 400,
  InvalidArnException: 400,
  AlreadyExistsException: 400,
  LimitExceededException: 400,
  TagException: 400,
  DryRunOperationException: 412,
  ThrottlingException: 400,
  AccessDeniedException: 400,
  MissingAuthenticationTokenException: 403,
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  IncompleteSignatureException: 400,
  RequestEntityTooLargeException: 413,
  KMSInternalException: 500,
  KeyUnavailableException: 500,
  DependencyTimeoutException: 503,
} as const;

export type KmsErrorName = keyof typeof KMS_ERROR_STATUS;

/** A failure with a KMS exception name, a client-safe message and the AWS status code. */
export class KmsError extends Error {
  override readonly name: KmsErrorName;
  readonly status: number;

  /**
   * @param name the AWS exception name sent as `__type`
   * @param message the client-visible message: never PKCS#11 detail, PINs or secrets
   * @param cause internal detail for logs only (e.g. the Pkcs11Error)
   */
  constructor(name: KmsErrorName, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.status = KMS_ERROR_STATUS[name];
  }

  /** Whether an SDK should retry: throttling and server-side faults. */
  get retryable(): boolean {
    return this.name === 'ThrottlingException' || this.status >= 500;
  }

  toJSON(): { __type: KmsErrorName; message: string } {
    return { __type: this.name, message: this.message };
  }
}

/** Wraps anything thrown into a KmsError; unknown failures become KMSInternalException. */
export function toKmsError(err: unknown): KmsError {
  if (err instanceof KmsError) return err;
  return new KmsError('KMSInternalException', 'An internal error occurred.', err);
}
