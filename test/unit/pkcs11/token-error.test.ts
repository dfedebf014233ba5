import { describeFailure, TokenError } from '../../../src/pkcs11/token-error';
import { PoolExhaustedError } from '../../../src/pkcs11/session-pool';

/** pkcs11js's own error: the CKR name as message, the number as `code`. */
class FakePkcs11Error extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly method: string,
  ) {
    super(message);
  }
}

describe('describeFailure', () => {
  it('reads name and number from a plain Error("CKR_X:n") without a code', () => {
    expect(describeFailure(new Error('CKR_DEVICE_ERROR:48'), 'C_Sign')).toEqual({
      ckr: 'CKR_DEVICE_ERROR',
      code: 48,
      message: '',
      fn: 'C_Sign',
    });
  });

  it('reads the name from the message and the number from a numeric code', () => {
    expect(
      describeFailure(new FakePkcs11Error('CKR_SESSION_HANDLE_INVALID', 0xb3, 'C_Sign'), 'C_Sign'),
    ).toEqual({
      ckr: 'CKR_SESSION_HANDLE_INVALID',
      code: 0xb3,
      message: '',
      fn: 'C_Sign',
    });
  });

  it('prefers the numeric code over the number in the text', () => {
    expect(
      describeFailure(new FakePkcs11Error('CKR_DEVICE_ERROR:1', 48, 'C_Login'), 'C_Login').code,
    ).toBe(48);
  });

  it('finds the CKR name inside a longer message', () => {
    expect(
      describeFailure(
        new Error('C_Sign failed: CKR_SIGNATURE_INVALID:192 (after retry)'),
        'C_Verify',
      ),
    ).toEqual({
      ckr: 'CKR_SIGNATURE_INVALID',
      code: 192,
      message: '',
      fn: 'C_Verify',
    });
  });

  it('names an error with only a numeric code by its CKR name', () => {
    const err = Object.assign(new Error('native failure'), { code: 0x30 });
    expect(describeFailure(err, 'C_Sign')).toEqual({
      ckr: 'CKR_DEVICE_ERROR',
      code: 48,
      message: 'native failure',
      fn: 'C_Sign',
    });
  });

  it('calls a plain error without a CKR name NATIVE_ERROR and keeps its message', () => {
    expect(describeFailure(new Error('segfault averted'), 'C_Initialize')).toEqual({
      ckr: 'NATIVE_ERROR',
      code: null,
      message: 'segfault averted',
      fn: 'C_Initialize',
    });
  });

  it('ignores a non-numeric code such as a Node errno string', () => {
    const err = Object.assign(new Error('cannot open module'), { code: 'ENOENT' });
    expect(describeFailure(err, 'load')).toEqual({
      ckr: 'NATIVE_ERROR',
      code: null,
      message: 'cannot open module',
      fn: 'load',
    });
  });

  it('handles thrown non-Errors', () => {
    expect(describeFailure('CKR_PIN_INCORRECT:160', 'C_Login')).toEqual({
      ckr: 'CKR_PIN_INCORRECT',
      code: 160,
      message: '',
      fn: 'C_Login',
    });
    expect(describeFailure(undefined, 'C_Login')).toEqual({
      ckr: 'NATIVE_ERROR',
      code: null,
      message: 'undefined',
      fn: 'C_Login',
    });
  });

  it("recognises QKMS's own codes, such as the pool running dry", () => {
    expect(describeFailure(new PoolExhaustedError(250), 'acquire')).toEqual({
      ckr: 'QKMS_POOL_EXHAUSTED',
      code: null,
      message: '',
      fn: 'acquire',
    });
  });
});

describe('TokenError', () => {
  it('carries the failure and names the function and CKR in its message', () => {
    const err = new TokenError({ ckr: 'CKR_DEVICE_ERROR', code: 48, message: '', fn: 'C_Sign' });
    expect(err.name).toBe('TokenError');
    expect(err.ckr).toBe('CKR_DEVICE_ERROR');
    expect(err.message).toBe('C_Sign: CKR_DEVICE_ERROR');
    expect(err.failure.code).toBe(48);
  });

  it('appends the native message when there is one', () => {
    expect(
      new TokenError({ ckr: 'NATIVE_ERROR', code: null, message: 'boom', fn: 'C_Login' }).message,
    ).toBe('C_Login: NATIVE_ERROR (boom)');
  });

  it('names an unknown numeric code by its hex value', () => {
    const err = Object.assign(new Error('vendor failure'), { code: 0x80000123 });
    expect(describeFailure(err, 'C_Sign').ckr).toBe('CKR_0x80000123');
  });

  it('calls a NativeError with code 0 NATIVE_ERROR, not CKR_OK', () => {
    const err = Object.assign(new Error('dlopen failed'), { code: 0 });
    expect(describeFailure(err, 'load').ckr).toBe('NATIVE_ERROR');
  });
});
