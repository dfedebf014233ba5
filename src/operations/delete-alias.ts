// DeleteAlias: removes an alias; the key itself is untouched.

import { ALIAS_NAME, aliasOwner, assertValidAliasName } from './alias-rules';
import { defineOperation } from './operation';

export const deleteAlias = defineOperation({
  name: 'DeleteAlias',
  input: { AliasName: ALIAS_NAME },
  async handle(input, ctx) {
    assertValidAliasName(input.AliasName);
    const owner = aliasOwner(input.AliasName, ctx);
    await ctx.store.update(owner, (r) => ({
      ...r,
      aliases: r.aliases.filter((a) => a.name !== input.AliasName),
    }));
    return {};
  },
});
