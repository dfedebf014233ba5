// UpdateAlias: points an existing alias at another key of the same key usage. The alias is one
// record, so it moves in one write: no process ever sees it on two keys, or on none.

import {
  ALIAS_NAME,
  ALIAS_NAME_ERRORS,
  ALIAS_OWNER_ERRORS,
  ALIAS_TARGET_ERRORS,
  aliasOwner,
  aliasTarget,
  assertValidAliasName,
} from './alias-rules';
import { METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import { defineOperation } from './operation';

export const updateAlias = defineOperation({
  name: 'UpdateAlias',
  audit: 'change',
  input: { AliasName: ALIAS_NAME, TargetKeyId: KEY_ID },
  errors: [
    ...ALIAS_NAME_ERRORS,
    ...ALIAS_OWNER_ERRORS,
    ...ALIAS_TARGET_ERRORS,
    {
      name: 'ValidationException',
      when: 'The target key has another key usage than the key the alias names now.',
    },
    ...METADATA_CHANGE,
  ],
  async handle(input, ctx, caller) {
    assertValidAliasName(input.AliasName);
    aliasOwner(input.AliasName, ctx);
    const target = aliasTarget(input.TargetKeyId, ctx);
    // The store checks the key usage and the target's state against the newest records.
    await ctx.store.updateAlias(input.AliasName, target.record.keyId, caller);
    return {};
  },
});
