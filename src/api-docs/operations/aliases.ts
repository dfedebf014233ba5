// The CreateAlias, UpdateAlias and DeleteAlias pages: one family, one file.

import type { GivenStep, OperationDoc } from '../doc-types';
import { KEYS, aliasArnOf, arnOf } from '../example-values';

const ALIAS = 'alias/payments-signing';

const ALIAS_RULES = [
  'Alias names start with `alias/`, are 1–256 characters of `a-zA-Z0-9:/_-`, and `alias/aws/…` is reserved.',
  'An alias names a key by its key id or key ARN, never through another alias, and never a key pending deletion.',
  'The gateway must be writable (`pkcs11.readOnly: false`).',
];

const ALIAS_NAME_DOC = 'The alias name, `alias/…`.';

const createAliasFirst: GivenStep = {
  operation: 'CreateAlias',
  input: { AliasName: ALIAS, TargetKeyId: KEYS.own.keyId },
  says: `Create ${ALIAS} for a key of your own.`,
};

export const createAliasDoc: OperationDoc = {
  summary: 'Gives a key a new alias; the name must be free.',
  about: [
    'An alias is its own record, so it names exactly one key at every moment, on every process sharing the metadata. Clients can then sign with `alias/…` and move the alias to a new key (UpdateAlias) without changing their configuration.',
  ],
  rules: ALIAS_RULES,
  members: {
    AliasName: ALIAS_NAME_DOC,
    TargetKeyId: 'The key: its key id or key ARN (not an alias).',
  },
  output: {},
  examples: [
    {
      title: 'An alias for a key',
      says: 'The answer has an empty body.',
      request: { AliasName: ALIAS, TargetKeyId: KEYS.own.keyId },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A name already taken',
      says: 'Alias names are unique; UpdateAlias moves an existing one.',
      given: [createAliasFirst],
      request: { AliasName: ALIAS, TargetKeyId: KEYS.next.keyId },
      answer: {
        error: 'AlreadyExistsException',
        message: `An alias with the name ${aliasArnOf(ALIAS)} already exists`,
      },
    },
  ],
};

export const updateAliasDoc: OperationDoc = {
  summary:
    'Points an existing alias at another key of the same key usage, in one write: no client ever sees it on two keys or on none.',
  about: [
    'This is how keys are rotated without touching clients: create the new key, move the alias, keep the old key enabled until nothing verifies with it any more.',
  ],
  rules: [...ALIAS_RULES, 'The new key must have the same key usage as the current one.'],
  members: { AliasName: ALIAS_NAME_DOC, TargetKeyId: 'The new key: its key id or key ARN.' },
  output: {},
  examples: [
    {
      title: 'Move an alias to a new key',
      says: 'The answer has an empty body; signing with the alias now uses the new key.',
      given: [createAliasFirst],
      request: { AliasName: ALIAS, TargetKeyId: KEYS.next.keyId },
      answer: { status: 200, body: {} },
    },
    {
      title: 'A key of another usage',
      says: 'An alias that names a signing key cannot be moved to an HMAC key.',
      given: [createAliasFirst],
      request: { AliasName: ALIAS, TargetKeyId: KEYS.hmac256.keyId },
      answer: {
        error: 'ValidationException',
        message: `${arnOf(KEYS.hmac256)} has key usage GENERATE_VERIFY_MAC but the alias points at a key with key usage SIGN_VERIFY.`,
      },
    },
  ],
};

export const deleteAliasDoc: OperationDoc = {
  summary: 'Removes an alias; the key it named is untouched.',
  about: [
    'Clients that sign through the alias get `NotFoundException` from then on. An alias declared in the config file is deleted too: QKMS stores a tombstone that wins over the file.',
  ],
  rules: ALIAS_RULES.slice(0, 1).concat(ALIAS_RULES.slice(2)),
  members: { AliasName: ALIAS_NAME_DOC },
  output: {},
  examples: [
    {
      title: 'Delete an alias',
      says: 'The answer has an empty body.',
      given: [createAliasFirst],
      request: { AliasName: ALIAS },
      answer: { status: 200, body: {} },
    },
    {
      title: 'An alias that does not exist',
      says: 'The error names the alias by its ARN.',
      request: { AliasName: 'alias/no-such-alias' },
      answer: {
        error: 'NotFoundException',
        message: `Alias '${aliasArnOf('alias/no-such-alias')}' is not found.`,
      },
    },
  ],
};
