// ListAliases: aliases in name order, optionally only those of one key.

import { KmsError } from '../errors/kms-error';
import { KEY_LOOKUP, PAGING } from './error-tables';
import { LIMIT, MARKER } from './input-schema';
import { defineOperation } from './operation';
import { pageFields, paginate } from './paging';

export const listAliases = defineOperation({
  name: 'ListAliases',
  input: { KeyId: { kind: 'string', min: 1, max: 2048 }, Limit: LIMIT, Marker: MARKER },
  errors: [
    ...KEY_LOOKUP,
    {
      name: 'NotFoundException',
      when: '`KeyId` is an alias: this filter takes a key id or key ARN.',
    },
    ...PAGING,
  ],
  async handle(input, ctx) {
    // KMS filters by key id or key ARN only; an alias here names no key.
    const named = input.KeyId;
    if (named !== undefined && (named.startsWith('alias/') || named.includes(':alias/'))) {
      throw new KmsError('NotFoundException', `Invalid keyId '${named}'`);
    }
    const keyId = named === undefined ? undefined : ctx.catalog.resolve(named).record.keyId;
    const aliases = ctx.catalog.aliases().filter((a) => keyId === undefined || a.keyId === keyId);
    const scope = { codec: ctx.catalog.markers, operation: 'ListAliases', owner: keyId ?? '' };
    const page = paginate(aliases, (a) => a.name, scope, input.Limit, input.Marker);
    return {
      Aliases: page.items.map((a) => ({
        AliasName: a.name,
        AliasArn: a.arn,
        TargetKeyId: a.keyId,
        CreationDate: a.creationDate,
        LastUpdatedDate: a.creationDate,
      })),
      ...pageFields(page),
    };
  },
});
