// The state change EnableKey and DisableKey share (each has its own file).

import { KEY_ID } from './input-schema';
import { assertNotPendingDeletion } from './key-use';
import { defineOperation, type Operation } from './operation';

export function stateChange(name: string, state: 'Enabled' | 'Disabled'): Operation {
  return defineOperation({
    name,
    audit: 'change',
    input: { KeyId: KEY_ID },
    async handle(input, ctx) {
      const key = ctx.catalog.resolve(input.KeyId);
      assertNotPendingDeletion(key);
      if (key.record.state === state) return {};
      await ctx.store.update(key.record.keyId, (r, current) => {
        assertNotPendingDeletion(current);
        return { ...r, state };
      });
      return {};
    },
  });
}
