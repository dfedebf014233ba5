// DeleteAlias: removes an alias; the key itself is untouched.

import { ALIAS_NAME, aliasOwner, assertValidAliasName } from './alias-rules';
import { defineOperation } from './operation';

export const deleteAlias = defineOperation({
  name: 'DeleteAlias',
  audit: 'change',
  input: { AliasName: ALIAS_NAME },
  async handle(input, ctx, caller) {
    assertValidAliasName(input.AliasName);
    aliasOwner(input.AliasName, ctx);
    await ctx.store.deleteAlias(input.AliasName, caller);
    return {};
  },
});
