import { bytesToUuid, uuidToBytes } from '../../../src/crypto/uuid-bytes';

describe('uuid bytes', () => {
  it('round-trips a UUID through its 16 bytes', () => {
    const id = '1234abcd-5678-90ef-aa55-00ff00ff00ff';
    expect(uuidToBytes(id).toString('hex')).toBe('1234abcd567890efaa5500ff00ff00ff');
    expect(bytesToUuid(uuidToBytes(id))).toBe(id);
  });

  it('reads an uppercase UUID and writes it back in lowercase', () => {
    expect(bytesToUuid(uuidToBytes('ABCDEF01-2345-6789-ABCD-EF0123456789'))).toBe(
      'abcdef01-2345-6789-abcd-ef0123456789',
    );
  });

  it('turns any 16 bytes into a UUID string', () => {
    expect(bytesToUuid(Buffer.alloc(16, 0xff))).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
  });

  it('refuses what is not a UUID or not 16 bytes', () => {
    expect(() => uuidToBytes('alias/x')).toThrow(RangeError);
    expect(() => uuidToBytes('1234abcd567890efaa5500ff00ff00ff')).toThrow(RangeError);
    expect(() => bytesToUuid(Buffer.alloc(15))).toThrow(RangeError);
  });
});
