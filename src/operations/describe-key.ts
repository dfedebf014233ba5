// DescribeKey: the key's metadata; answers for disabled and pending-deletion keys too.

import { KEY_LOOKUP } from './error-tables';
import { GRANT_TOKENS, KEY_ID } from './input-schema';
import { keyMetadata } from './key-metadata';
import { defineOperation } from './operation';

export const describeKey = defineOperation({
  name: 'DescribeKey',
  input: { KeyId: KEY_ID, GrantTokens: GRANT_TOKENS },
  errors: KEY_LOOKUP,
  async handle(input, ctx) {
    return { KeyMetadata: keyMetadata(ctx.catalog.resolve(input.KeyId), ctx) };
  },
});
