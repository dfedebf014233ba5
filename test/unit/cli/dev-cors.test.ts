import { devCorsOrigins } from '../../../src/cli/dev';

describe("qkms dev's CORS origins", () => {
  it("allows the local docs site's origins by default", () => {
    expect(devCorsOrigins(undefined)?.split(',')).toEqual([
      'http://127.0.0.1:3000',
      'http://localhost:3000',
    ]);
  });

  it('takes the origins the environment names instead', () => {
    expect(devCorsOrigins('https://docs.example')).toBe('https://docs.example');
  });

  it('allows no origin when the variable is set empty', () => {
    expect(devCorsOrigins('')).toBeUndefined();
    expect(devCorsOrigins('  ')).toBeUndefined();
  });
});
