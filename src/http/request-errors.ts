// The exceptions any request can get from the wire layer, before or around its operation:
// reading, authentication, authorization, admission. Declared as data (like each operation's
// own list in src/operations) for the API reference's page of common errors.

import type { ErrorTable } from '../operations/error-tables';

export const REQUEST_ERRORS: ErrorTable = [
  {
    name: 'SerializationException',
    when: 'The body is not one JSON object of valid UTF-8, a member has the wrong JSON type or is not valid base64, `Content-Type` is not `application/x-amz-json-1.1` or `application/json`, or the request carries more than one `Host` header.',
  },
  {
    name: 'ValidationException',
    when: "A member breaks its constraints (required, length, enum values, range). The message lists every violation in AWS's wording.",
  },
  {
    name: 'RequestEntityTooLargeException',
    when: 'The body is larger than `http.maxBodyBytes`.',
  },
  {
    name: 'MissingAuthenticationTokenException',
    when: 'With `auth.mode: sigv4`, the request carries no SigV4 signature.',
  },
  {
    name: 'IncompleteSignatureException',
    when: 'The `Authorization` header is malformed (an algorithm other than AWS4-HMAC-SHA256, no `Credential`, `SignedHeaders` or `Signature`, no valid `X-Amz-Date`), or the request also carries query-string authentication.',
  },
  {
    name: 'InvalidSignatureException',
    when: 'The signature does not match (wrong secret key, altered request, wrong Region or service), `host`, `x-amz-date` or `x-amz-target` is not signed, `X-Amz-Date` is more than 5 minutes away from the gateway clock, or `x-amz-content-sha256` is not the hash of the body.',
  },
  {
    name: 'UnrecognizedClientException',
    when: 'The access key id is not configured, the request carries a session token, or (with `auth.mode: mtls`) no client certificate signed by the configured CA was presented.',
  },
  {
    name: 'AccessDeniedException',
    when: 'No QKMS policy statement allows the `kms:` action on the key (or one denies it), the signed `Host` is not in `http.allowedHosts`, or, without authentication, the request is not addressed to a loopback host name.',
  },
  {
    name: 'ThrottlingException',
    when: 'The worker is already handling `http.maxInFlight` requests, or the principal is over its `rateLimit`. SDKs retry it.',
  },
  {
    name: 'UnknownOperationException',
    when: '`X-Amz-Target` names no KMS operation.',
  },
  {
    name: 'UnsupportedOperationException',
    when: '`X-Amz-Target` names a KMS operation QKMS does not serve (grants, key policies, imported key material, custom key stores, multi-Region keys).',
  },
  {
    name: 'KMSInternalException',
    when: 'An unexpected failure inside QKMS; the log line with the same request id says more.',
  },
];
