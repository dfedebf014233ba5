// CreateAlias: a new alias for a key; the alias name must be free.

import {
  ALIAS_NAME,
  ALIAS_NAME_ERRORS,
  ALIAS_TARGET_ERRORS,
  aliasTarget,
  assertValidAliasName,
} from './alias-rules';
import { METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const createAlias = defineOperation({
  name: 'CreateAlias',
  audit: 'change',
  input: { AliasName: ALIAS_NAME, TargetKeyId: KEY_ID },
  errors: [
    ...ALIAS_NAME_ERRORS,
    ...ALIAS_TARGET_ERRORS,
    { name: 'AlreadyExistsException', when: 'An alias with this name already exists.' },
    ...METADATA_CHANGE,
  ],
  async handle(input, ctx, caller) {
    assertValidAliasName(input.AliasName);
    const key = aliasTarget(input.TargetKeyId, ctx);
    await ctx.store.createAlias(input.AliasName, key.record.keyId, caller);
    return {};
  },
});
