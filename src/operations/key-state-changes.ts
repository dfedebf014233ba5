// The state change EnableKey and DisableKey share (each has its own file).

import { KEY_LOOKUP, KEY_STATE_FOR_CHANGE, METADATA_CHANGE } from './error-tables';
import { KEY_ID } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation, type Operation } from './operation';

export function stateChange(name: string, state: 'Enabled' | 'Disabled'): Operation {
  return defineOperation({
    name,
    audit: 'change',
    input: { KeyId: KEY_ID },
    errors: [...KEY_LOOKUP, ...KEY_STATE_FOR_CHANGE, ...METADATA_CHANGE],
    async handle(input, ctx, caller) {
      const key = ctx.catalog.resolve(input.KeyId);
      assertNotPendingDeletion(key.record, key.arn);
      // No shortcut when this process's copy says the key is already in that state: the store
      // decides against the newest record (and writes nothing if it agrees).
      await ctx.store.updateKey(
        name,
        key.record.keyId,
        (r) => {
          assertNotPendingDeletion(r, key.arn);
          return { ...r, state };
        },
        caller,
      );
      return {};
    },
  });
}
