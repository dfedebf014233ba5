// The ListKeys page.

import type { OperationDoc } from '../doc-types';
import { perCall } from '../example-values';
import { LIMIT_DOC, MARKER_DOC, member, PAGE_OUT, STRING } from '../shared-docs';

const KEY_ENTRY = { KeyId: perCall.keyId(), KeyArn: perCall.keyArn() };

export const listKeysDoc: OperationDoc = {
  summary: 'Lists every key this gateway serves, in key-id order, a page at a time.',
  about: [
    'Keys in every state are listed. A page ends with `Truncated: true` and a `NextMarker` while more keys follow; markers are opaque, signed by the gateway, and valid on every replica sharing its key metadata.',
  ],
  rules: [
    '`Limit` is 1–1000 (100 when absent).',
    'A `Marker` from another operation or another gateway is refused.',
  ],
  members: { Limit: LIMIT_DOC(1000, 100), Marker: MARKER_DOC },
  output: {
    Keys: member(
      {
        kind: 'list',
        of: {
          kind: 'structure',
          name: 'KeyListEntry',
          members: {
            KeyId: member(STRING, 'The key id.'),
            KeyArn: member(STRING, 'The key ARN.'),
          },
        },
      },
      'The keys of this page.',
    ),
    ...PAGE_OUT,
  },
  examples: [
    {
      title: 'The first page',
      says: 'Two keys, and a marker for the rest.',
      request: { Limit: 2 },
      answer: {
        status: 200,
        body: { Keys: [KEY_ENTRY, KEY_ENTRY], NextMarker: perCall.marker(), Truncated: true },
      },
    },
    {
      title: 'The next page',
      says: 'The `NextMarker` of the first page, sent back as `Marker`.',
      given: [
        {
          operation: 'ListKeys',
          input: { Limit: 2 },
          capture: { marker: 'NextMarker' },
          says: 'List the first two keys.',
        },
      ],
      request: { Limit: 2, Marker: perCall.captured('marker', 'the NextMarker of the first page') },
      answer: {
        status: 200,
        body: { Keys: [KEY_ENTRY, KEY_ENTRY], NextMarker: perCall.marker(), Truncated: true },
      },
    },
    {
      title: 'A marker this gateway did not issue',
      says: 'Markers are signed: an edited or invented one is refused.',
      request: { Marker: 'qkms2.WyJMaXN0S2V5cyIsIiIsIjAiXQ.AAAAAAAAAAAAAAAAAAAAAA' },
      answer: {
        error: 'InvalidMarkerException',
        message: 'The marker that specifies where pagination should next begin is not valid.',
      },
    },
  ],
};
