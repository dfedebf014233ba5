// DeleteAlias: removes an alias; the key itself is untouched.

import {
  ALIAS_NAME,
  ALIAS_NAME_ERRORS,
  ALIAS_OWNER_ERRORS,
  aliasOwner,
  assertValidAliasName,
} from './alias-rules';
import { METADATA_CHANGE } from './error-tables';
import { defineOperation } from './operation';

export const deleteAlias = defineOperation({
  name: 'DeleteAlias',
  audit: 'change',
  input: { AliasName: ALIAS_NAME },
  errors: [...ALIAS_NAME_ERRORS, ...ALIAS_OWNER_ERRORS, ...METADATA_CHANGE],
  async handle(input, ctx, caller) {
    assertValidAliasName(input.AliasName);
    aliasOwner(input.AliasName, ctx);
    await ctx.store.deleteAlias(input.AliasName, caller);
    return {};
  },
});
