import { KmsError } from '../../../src/errors/kms-error';
import { ckrRule, kmsErrorForCkr } from '../../../src/pkcs11/ckr-table';
import { describeFailure } from '../../../src/pkcs11/token-error';

describe('kmsErrorForCkr', () => {
  it.each([
    'CKR_DEVICE_ERROR',
    'CKR_DEVICE_REMOVED',
    'CKR_TOKEN_NOT_PRESENT',
    'CKR_CRYPTOKI_NOT_INITIALIZED',
    'CKR_USER_NOT_LOGGED_IN',
  ])('%s is a retryable KeyUnavailableException and a device fault', (ckr) => {
    const err = kmsErrorForCkr(ckr, new Error(`${ckr}:48`));
    expect(err).toBeInstanceOf(KmsError);
    expect(err.name).toBe('KeyUnavailableException');
    expect(err.status).toBe(500);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('The HSM holding this key is unavailable. Retry later.');
    expect(ckrRule(ckr).fault).toBe('device');
  });

  it.each(['CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED'])(
    '%s drops the session and is KeyUnavailableException',
    (ckr) => {
      expect(ckrRule(ckr)).toEqual({ kms: 'KeyUnavailableException', fault: 'session' });
      expect(kmsErrorForCkr(ckr, null).name).toBe('KeyUnavailableException');
    },
  );

  it('CKR_SIGNATURE_INVALID is KMSInvalidSignatureException (400, not retryable)', () => {
    const err = kmsErrorForCkr('CKR_SIGNATURE_INVALID', null);
    expect(err.name).toBe('KMSInvalidSignatureException');
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('The signature is not valid for this key and message.');
    expect(kmsErrorForCkr('CKR_SIGNATURE_LEN_RANGE', null).name).toBe(
      'KMSInvalidSignatureException',
    );
  });

  it('QKMS_POOL_EXHAUSTED is a retryable ThrottlingException', () => {
    const err = kmsErrorForCkr('QKMS_POOL_EXHAUSTED', null);
    expect(err.name).toBe('ThrottlingException');
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(true);
    expect(err.message).toBe('Too many requests are waiting for the HSM. Retry later.');
  });

  it('CKR_FUNCTION_CANCELED is DependencyTimeoutException (503)', () => {
    const err = kmsErrorForCkr('CKR_FUNCTION_CANCELED', null);
    expect(err.name).toBe('DependencyTimeoutException');
    expect(err.status).toBe(503);
    expect(err.message).toBe('The HSM did not answer in time. Retry later.');
  });

  it('CKR_KEY_TYPE_INCONSISTENT is InvalidKeyUsageException', () => {
    expect(kmsErrorForCkr('CKR_KEY_TYPE_INCONSISTENT', null).name).toBe('InvalidKeyUsageException');
    expect(kmsErrorForCkr('CKR_KEY_TYPE_INCONSISTENT', null).message).toBe(
      'The key cannot be used for this operation.',
    );
  });

  it('a PIN error is KeyUnavailableException and never a device fault (no automatic re-login)', () => {
    expect(ckrRule('CKR_PIN_INCORRECT')).toEqual({ kms: 'KeyUnavailableException', fault: 'none' });
    expect(ckrRule('CKR_PIN_LOCKED')).toEqual({ kms: 'KeyUnavailableException', fault: 'none' });
  });

  it.each([
    'CKR_GENERAL_ERROR',
    'CKR_FUNCTION_FAILED',
    'CKR_VENDOR_DEFINED',
    'NATIVE_ERROR',
    'CKR_0x30',
    '',
  ])('an unknown code %j is KMSInternalException with a generic message', (ckr) => {
    const err = kmsErrorForCkr(ckr, null);
    expect(err.name).toBe('KMSInternalException');
    expect(err.status).toBe(500);
    expect(err.message).toBe('An internal error occurred.');
    expect(ckrRule(ckr)).toEqual({ kms: 'KMSInternalException', fault: 'none' });
  });

  it('never puts the CKR name or native text in the client-visible message', () => {
    const names = [
      'CKR_DEVICE_ERROR',
      'CKR_SESSION_CLOSED',
      'CKR_SIGNATURE_INVALID',
      'CKR_PIN_INCORRECT',
      'CKR_DATA_LEN_RANGE',
      'CKR_MECHANISM_INVALID',
      'CKR_HOST_MEMORY',
      'QKMS_POOL_EXHAUSTED',
      'QKMS_NO_PRIVATE_KEY',
      'CKR_GENERAL_ERROR',
    ];
    for (const ckr of names) {
      const err = kmsErrorForCkr(ckr, new Error(`${ckr}: detail from /usr/lib/vendor.so`));
      expect(err.message).not.toContain('CKR');
      expect(err.message).not.toContain('QKMS_');
      expect(err.message).not.toContain('vendor.so');
      expect(JSON.stringify(err)).not.toContain('CKR');
    }
  });

  it('keeps the native error as the cause for logs', () => {
    const cause = new Error('CKR_DEVICE_ERROR:48');
    expect(kmsErrorForCkr('CKR_DEVICE_ERROR', cause).cause).toBe(cause);
  });

  it('maps what describeFailure reads from a pkcs11js error end to end', () => {
    const thrown = new Error('CKR_DEVICE_ERROR:48');
    const failure = describeFailure(thrown, 'C_Sign');
    expect(kmsErrorForCkr(failure.ckr, thrown).name).toBe('KeyUnavailableException');
    const pinError = Object.assign(new Error('CKR_PIN_INCORRECT'), { code: 0xa0 });
    expect(kmsErrorForCkr(describeFailure(pinError, 'C_Login').ckr, pinError).name).toBe(
      'KeyUnavailableException',
    );
    const plain = new Error('something odd');
    expect(kmsErrorForCkr(describeFailure(plain, 'C_Sign').ckr, plain).name).toBe(
      'KMSInternalException',
    );
  });
});

describe('ckrRule with Object.prototype names', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'treats %s as unknown',
    (name) => {
      expect(ckrRule(name)).toEqual({ kms: 'KMSInternalException', fault: 'none' });
      expect(kmsErrorForCkr(name, null).name).toBe('KMSInternalException');
    },
  );
});
