// Alias names that never pass the wire layer (the command line, QKMS_DEV_KEYS) get the same
// checks, and the same AWS-worded messages, as names in a request body.

import { KmsError } from '../../../src/errors/kms-error';
import { assertValidAliasName } from '../../../src/operations/alias-rules';

function refusal(name: string): string | null {
  try {
    assertValidAliasName(name);
    return null;
  } catch (err) {
    if (err instanceof KmsError && err.name === 'ValidationException') return err.message;
    throw err;
  }
}

describe('assertValidAliasName', () => {
  it('accepts a name of the allowed characters', () => {
    expect(refusal('alias/team_a:app-1/signer')).toBeNull();
  });

  it('refuses a character outside the pattern, as the wire layer words it', () => {
    expect(refusal('alias/sp ace')).toBe(
      "1 validation error detected: Value 'alias/sp ace' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
  });

  it('refuses a name over 256 characters', () => {
    expect(refusal(`alias/${'a'.repeat(251)}`)).toMatch(/less than or equal to 256$/);
    expect(refusal(`alias/${'a'.repeat(250)}`)).toBeNull();
  });

  it('checks the prefix and the reserved names first', () => {
    expect(refusal('no prefix')).toMatch(/^Alias must start with the prefix "alias\/"/);
    expect(refusal('alias/aws/x y')).toMatch(/reserved for AWS managed keys/);
  });
});
