import { inspect } from 'node:util';
import { KMS_ERROR_STATUS, KmsError, toKmsError } from '../../../src/errors/kms-error';

describe('KmsError', () => {
  it('serialises as the AWS JSON 1.1 envelope {__type, message} and nothing else', () => {
    const err = new KmsError(
      'NotFoundException',
      "Key 'x' does not exist",
      new Error('secret detail'),
    );
    expect(JSON.stringify(err)).toBe(
      '{"__type":"NotFoundException","message":"Key \'x\' does not exist"}',
    );
    expect(err.toJSON()).toEqual({
      __type: 'NotFoundException',
      message: "Key 'x' does not exist",
    });
  });

  it('is an Error with the KMS name and message', () => {
    const err = new KmsError('ValidationException', 'bad');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('bad');
    expect(err.cause).toBeUndefined();
  });

  it.each([
    ['ValidationException', 400],
    ['SerializationException', 400],
    ['UnknownOperationException', 400],
    ['UnsupportedOperationException', 400],
    ['NotFoundException', 400],
    ['DisabledException', 400],
    ['KMSInvalidStateException', 400],
    ['InvalidKeyUsageException', 400],
    ['KMSInvalidSignatureException', 400],
    ['InvalidGrantTokenException', 400],
    ['InvalidMarkerException', 400],
    ['AlreadyExistsException', 400],
    ['LimitExceededException', 400],
    ['ThrottlingException', 400],
    ['AccessDeniedException', 400],
    ['MissingAuthenticationTokenException', 403],
    ['UnrecognizedClientException', 400],
    ['InvalidSignatureException', 400],
    ['IncompleteSignatureException', 400],
    ['DryRunOperationException', 412],
    ['RequestEntityTooLargeException', 413],
    ['KMSInternalException', 500],
    ['KeyUnavailableException', 500],
    ['DependencyTimeoutException', 503],
  ] as const)('%s has HTTP status %i', (name, status) => {
    expect(new KmsError(name, 'm').status).toBe(status);
    expect(KMS_ERROR_STATUS[name]).toBe(status);
  });

  it('marks throttling and server faults retryable, client faults not', () => {
    expect(new KmsError('ThrottlingException', 'm').retryable).toBe(true);
    expect(new KmsError('KMSInternalException', 'm').retryable).toBe(true);
    expect(new KmsError('KeyUnavailableException', 'm').retryable).toBe(true);
    expect(new KmsError('DependencyTimeoutException', 'm').retryable).toBe(true);
    expect(new KmsError('ValidationException', 'm').retryable).toBe(false);
    expect(new KmsError('KMSInvalidSignatureException', 'm').retryable).toBe(false);
    expect(new KmsError('DryRunOperationException', 'm').retryable).toBe(false);
  });

  it('keeps the cause for logs', () => {
    const cause = new Error('CKR_DEVICE_ERROR');
    expect(new KmsError('KeyUnavailableException', 'm', cause).cause).toBe(cause);
  });
});

describe('toKmsError', () => {
  it('returns a KmsError unchanged', () => {
    const err = new KmsError('DisabledException', 'disabled');
    expect(toKmsError(err)).toBe(err);
  });

  it.each([
    ['an Error', new Error('ENOENT: /secret/path/pin.txt')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'CKR_PIN_INCORRECT 1234'],
    ['undefined', undefined],
    ['an object', { message: 'internal detail' }],
  ])('wraps %s as KMSInternalException with a generic message', (_what, thrown) => {
    const err = toKmsError(thrown);
    expect(err).toBeInstanceOf(KmsError);
    expect(err.name).toBe('KMSInternalException');
    expect(err.status).toBe(500);
    expect(err.message).toBe('An internal error occurred.');
    expect(JSON.stringify(err)).toBe(
      '{"__type":"KMSInternalException","message":"An internal error occurred."}',
    );
  });

  it('keeps the original error only as the cause, never in the client-visible message', () => {
    const original = new Error('PIN 987654 rejected by /opt/hsm/lib.so');
    const err = toKmsError(original);
    expect(err.cause).toBe(original);
    expect(err.message).not.toContain('987654');
    expect(JSON.stringify(err)).not.toContain('987654');
    expect(JSON.stringify(err)).not.toContain('lib.so');
  });

  it('does not mistake an Error that merely has a KMS name for a KmsError', () => {
    const fake = new Error('leaky detail');
    fake.name = 'ValidationException';
    const err = toKmsError(fake);
    expect(err.name).toBe('KMSInternalException');
    expect(err.message).toBe('An internal error occurred.');
    expect(inspect(err.toJSON())).not.toContain('leaky');
  });
});
