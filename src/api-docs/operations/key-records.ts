// The UpdateKeyDescription, TagResource, UntagResource and ListResourceTags pages: what a key's
// record says about it.

import type { GivenStep, OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, perCall } from '../example-values';
import { KEY_ID_DOC, LIMIT_DOC, MARKER_DOC, member, PAGE_OUT, TAG_SHAPE } from '../shared-docs';

const WRITABLE = 'The gateway must be writable (`pkcs11.readOnly: false`).';
const TAG_RULES =
  'At most 50 tags per key; keys 1–128 and values 0–256 characters of letters, digits, spaces and `_ . : / = + - @`; no `aws:` prefix; each key once.';

const tagged: GivenStep = {
  operation: 'TagResource',
  input: {
    KeyId: KEYS.own.keyId,
    Tags: [
      { TagKey: 'team', TagValue: 'payments' },
      { TagKey: 'cost-center', TagValue: '4711' },
    ],
  },
  says: 'Tag the key team=payments and cost-center=4711.',
};

export const updateKeyDescriptionDoc: OperationDoc = {
  summary: "Replaces a key's description.",
  about: ['DescribeKey and CreateKey return the description; QKMS does not interpret it.'],
  rules: [
    'Up to 8192 characters; an empty description is allowed.',
    'Not for a key pending deletion.',
    WRITABLE,
  ],
  members: { KeyId: KEY_ID_DOC, Description: 'The new description, 0–8192 characters.' },
  output: {},
  examples: [
    {
      title: 'A new description',
      says: 'The answer has an empty body.',
      request: { KeyId: KEYS.own.keyId, Description: 'Signs payment instructions (retired 2027)' },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A key pending deletion',
      says: 'A key waiting for deletion keeps the record it had.',
      given: [
        {
          operation: 'ScheduleKeyDeletion',
          input: { KeyId: KEYS.own.keyId },
          says: 'Schedule the key for deletion.',
        },
      ],
      request: { KeyId: KEYS.own.keyId, Description: 'Too late' },
      answer: {
        error: 'KMSInvalidStateException',
        message: `${arnOf(KEYS.own)} is pending deletion.`,
      },
    },
  ],
};

export const tagResourceDoc: OperationDoc = {
  summary: 'Adds tags to a key, or replaces the values of tags it already has.',
  about: [
    'Tags can select keys in QKMS policy statements (`tags:` in a statement, see security.md). Concurrent tag changes through any number of processes all keep their tags.',
  ],
  rules: [TAG_RULES, 'Not for a key pending deletion.', WRITABLE],
  members: { KeyId: KEY_ID_DOC, Tags: 'The tags to add or replace (`TagKey`, `TagValue`).' },
  output: {},
  examples: [
    {
      title: 'Two tags',
      says: 'The answer has an empty body.',
      request: tagged.input,
      answer: { status: 200, body: {} },
    },
    {
      title: 'A reserved tag key',
      says: "Tag keys beginning with `aws:` are AWS's.",
      request: { KeyId: KEYS.own.keyId, Tags: [{ TagKey: 'aws:owner', TagValue: 'payments' }] },
      answer: {
        error: 'TagException',
        message: "Tag key 'aws:owner' uses the reserved prefix aws:.",
      },
    },
  ],
};

export const untagResourceDoc: OperationDoc = {
  summary: 'Removes tags from a key by tag key; tag keys the key does not have are ignored.',
  about: ['As in AWS KMS, removing a tag that is not there is not an error.'],
  rules: ['Each tag key is 1–128 characters.', 'Not for a key pending deletion.', WRITABLE],
  members: { KeyId: KEY_ID_DOC, TagKeys: 'The keys of the tags to remove.' },
  output: {},
  examples: [
    {
      title: 'Remove a tag',
      says: 'The other tag stays.',
      given: [tagged],
      request: { KeyId: KEYS.own.keyId, TagKeys: ['cost-center'] },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A tag the key does not have',
      says: 'Nothing to remove, and no error.',
      request: { KeyId: KEYS.own.keyId, TagKeys: ['no-such-tag'] },
      answer: { status: 200, body: {} },
    },
  ],
};

export const listResourceTagsDoc: OperationDoc = {
  summary: "Lists a key's tags in tag-key order, a page at a time.",
  about: ['Keys in every state can be listed, including disabled keys and keys pending deletion.'],
  rules: ['`Limit` is 1–50 (50 when absent).'],
  members: { KeyId: KEY_ID_DOC, Limit: LIMIT_DOC(50, 50), Marker: MARKER_DOC },
  output: {
    Tags: member({ kind: 'list', of: TAG_SHAPE }, 'The tags of this page.'),
    ...PAGE_OUT,
  },
  examples: [
    {
      title: 'The tags of a demo key',
      says: '`qkms dev` tags its demo keys purpose=demo.',
      request: { KeyId: aliasOf(KEYS.p256) },
      answer: {
        status: 200,
        body: { Tags: [{ TagKey: 'purpose', TagValue: 'demo' }], Truncated: false },
      },
    },
    {
      title: 'One tag at a time',
      says: 'Tags come in tag-key order: `cost-center` before `team`.',
      given: [tagged],
      request: { KeyId: KEYS.own.keyId, Limit: 1 },
      answer: {
        status: 200,
        body: {
          Tags: [{ TagKey: 'cost-center', TagValue: '4711' }],
          NextMarker: perCall.marker(),
          Truncated: true,
        },
      },
    },
  ],
};
