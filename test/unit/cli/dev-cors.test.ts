import { devCorsOrigins } from '../../../src/cli/dev';

describe("qkms dev's CORS origins", () => {
  it("allows the local docs site's origins by default", () => {
    expect(devCorsOrigins(undefined, 'sigv4')?.split(',')).toEqual([
      'http://127.0.0.1:3000',
      'http://localhost:3000',
    ]);
  });

  it('takes the origins the environment names instead', () => {
    expect(devCorsOrigins('https://docs.example', 'sigv4')).toBe('https://docs.example');
  });

  it('allows no origin by default without authentication, only ones named explicitly', () => {
    expect(devCorsOrigins(undefined, 'none')).toBeUndefined();
    expect(devCorsOrigins('http://127.0.0.1:3000', 'none')).toBe('http://127.0.0.1:3000');
  });

  it('allows no origin when the variable is set empty', () => {
    expect(devCorsOrigins('', 'sigv4')).toBeUndefined();
    expect(devCorsOrigins('  ', 'sigv4')).toBeUndefined();
  });
});
