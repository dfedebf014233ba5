// The ListAliases page.

import type { OperationDoc } from '../doc-types';
import { KEYS, aliasArnOf, aliasOf, perCall } from '../example-values';
import { LIMIT_DOC, MARKER_DOC, member, PAGE_OUT, STRING, TIMESTAMP } from '../shared-docs';

export const listAliasesDoc: OperationDoc = {
  summary:
    'Lists aliases in name order, a page at a time; with `KeyId`, only the aliases of that key.',
  about: [
    'Each alias names exactly one key. Aliases declared in the config file for adopted keys are listed with the others.',
  ],
  rules: [
    '`KeyId` filters by key id or key ARN, not by alias.',
    '`Limit` is 1–1000 (100 when absent); a marker is valid only with the filter it was issued for.',
  ],
  members: {
    KeyId: 'List only the aliases of this key, named by key id or key ARN.',
    Limit: LIMIT_DOC(1000, 100),
    Marker: MARKER_DOC,
  },
  output: {
    Aliases: member(
      {
        kind: 'list',
        of: {
          kind: 'structure',
          name: 'AliasListEntry',
          members: {
            AliasName: member(STRING, 'The alias name, `alias/…`.'),
            AliasArn: member(STRING, 'The alias ARN.'),
            TargetKeyId: member(STRING, 'The key id of the key it names.'),
            CreationDate: member(TIMESTAMP, 'When the alias was created.'),
            LastUpdatedDate: member(TIMESTAMP, 'When the alias was created (QKMS keeps one date).'),
          },
        },
      },
      'The aliases of this page.',
    ),
    ...PAGE_OUT,
  },
  examples: [
    {
      title: 'The aliases of one key',
      says: 'The P-256 demo key has one alias.',
      request: { KeyId: KEYS.p256.keyId },
      answer: {
        status: 200,
        body: {
          Aliases: [
            {
              AliasName: aliasOf(KEYS.p256),
              AliasArn: aliasArnOf(aliasOf(KEYS.p256)),
              TargetKeyId: KEYS.p256.keyId,
              CreationDate: perCall.epoch('when the alias was created'),
              LastUpdatedDate: perCall.epoch('when the alias was created'),
            },
          ],
          Truncated: false,
        },
      },
    },
    {
      title: 'An alias as the filter',
      says: 'The filter takes a key id or key ARN only.',
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: { error: 'NotFoundException', message: `Invalid keyId '${aliasOf(KEYS.p256)}'` },
    },
  ],
};
