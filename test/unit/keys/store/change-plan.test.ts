// The rules of every key-metadata change, checked against a state, whatever the store: which
// records each change writes (and in what order), and the exact KMS errors it refuses with.

import { KmsError } from '../../../../src/errors/kms-error';
import type { AliasRecord, KeyMetadataRecord } from '../../../../src/keys/key-record';
import { planChange, type MetadataChange } from '../../../../src/keys/store/change-plan';
import { MetadataView, type ConfigKeys } from '../../../../src/keys/store/metadata-view';
import { SCOPE, ARN_PREFIX as ARN, keyRecord as key } from '../../../support/key-records';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const HMAC = '00000000-0000-4000-8000-00000000000c';
const ADOPTED = '00000000-0000-4000-8000-00000000000d';

const alias = (name: string, keyId: string): AliasRecord => ({
  name,
  keyId,
  creationDate: 5,
  lastUpdatedDate: 5,
});

function view(
  keys: KeyMetadataRecord[],
  aliases: (AliasRecord | [string, null])[],
  config: ConfigKeys = { keys: new Map(), aliases: new Map() },
): MetadataView {
  return new MetadataView(
    {
      keys: new Map(keys.map((k) => [k.keyId, k])),
      aliases: new Map(aliases.map((a) => (Array.isArray(a) ? a : [a.name, a]))),
    },
    config,
  );
}

const CONFIG: ConfigKeys = {
  keys: new Map([[ADOPTED, key(ADOPTED, { origin: 'EXTERNAL', locator: { label: 'legacy' } })]]),
  aliases: new Map([['alias/from-config', alias('alias/from-config', ADOPTED)]]),
};
const STATE = view(
  [key(A), key(B), key(HMAC, { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' })],
  [alias('alias/a', A)],
  CONFIG,
);

function refusal(change: MetadataChange, state = STATE): { name: string; message: string } {
  try {
    planChange(change, state, SCOPE);
  } catch (err) {
    expect(err).toBeInstanceOf(KmsError);
    return { name: (err as KmsError).name, message: (err as KmsError).message };
  }
  throw new Error('the change was not refused');
}

describe('createKey', () => {
  it('writes the aliases first and the key record last: the key record commits', () => {
    const record = key('00000000-0000-4000-8000-0000000000ee');
    const plan = planChange(
      { kind: 'createKey', record, aliases: [alias('alias/new', record.keyId)] },
      STATE,
      SCOPE,
    );
    expect(plan.writes).toEqual([
      { kind: 'putAlias', alias: alias('alias/new', record.keyId) },
      { kind: 'putKey', record },
    ]);
    expect(plan.detail).toEqual({ operation: 'CreateKey', keyId: record.keyId });
  });

  it('refuses an alias that is taken, also by the config file', () => {
    const record = key('00000000-0000-4000-8000-0000000000ee');
    expect(
      refusal({ kind: 'createKey', record, aliases: [alias('alias/from-config', record.keyId)] }),
    ).toEqual({
      name: 'AlreadyExistsException',
      message: `An alias with the name ${ARN}:alias/from-config already exists`,
    });
  });
});

describe('updateKey', () => {
  it('stores the edited record, starting from the config entry for an adopted key', () => {
    const plan = planChange(
      {
        kind: 'updateKey',
        operation: 'TagResource',
        keyId: ADOPTED,
        edit: (r) => ({ ...r, tags: [{ TagKey: 't', TagValue: 'v' }] }),
      },
      STATE,
      SCOPE,
    );
    expect(plan.writes).toEqual([
      {
        kind: 'putKey',
        record: { ...CONFIG.keys.get(ADOPTED), tags: [{ TagKey: 't', TagValue: 'v' }] },
      },
    ]);
  });

  it('writes nothing when the edit changes nothing', () => {
    const plan = planChange(
      { kind: 'updateKey', operation: 'EnableKey', keyId: A, edit: (r) => ({ ...r }) },
      STATE,
      SCOPE,
    );
    expect(plan.writes).toEqual([]);
  });

  it('refuses a key that does not exist, and passes on what the edit refuses', () => {
    const missing = '00000000-0000-4000-8000-0000000000ff';
    expect(
      refusal({ kind: 'updateKey', operation: 'TagResource', keyId: missing, edit: (r) => r }),
    ).toEqual({ name: 'NotFoundException', message: `Key '${ARN}:key/${missing}' does not exist` });
    const edit = (): KeyMetadataRecord => {
      throw new KmsError('TagException', 'too many');
    };
    expect(refusal({ kind: 'updateKey', operation: 'TagResource', keyId: A, edit })).toEqual({
      name: 'TagException',
      message: 'too many',
    });
  });
});

describe('aliases', () => {
  it('creates an alias as one record', () => {
    const created = alias('alias/b', B);
    expect(planChange({ kind: 'createAlias', alias: created }, STATE, SCOPE)).toEqual({
      writes: [{ kind: 'putAlias', alias: created }],
      detail: { operation: 'CreateAlias', keyId: B, aliasName: 'alias/b' },
    });
  });

  it('refuses a taken name, a missing key and a key pending deletion', () => {
    expect(refusal({ kind: 'createAlias', alias: alias('alias/a', B) })).toEqual({
      name: 'AlreadyExistsException',
      message: `An alias with the name ${ARN}:alias/a already exists`,
    });
    const pending = view([key(A, { state: 'PendingDeletion', deletionDate: 9 })], []);
    expect(refusal({ kind: 'createAlias', alias: alias('alias/x', A) }, pending)).toEqual({
      name: 'KMSInvalidStateException',
      message: `${ARN}:key/${A} is pending deletion.`,
    });
  });

  it('moves an alias in one write, keeping its creation date and naming both keys', () => {
    const plan = planChange(
      { kind: 'updateAlias', name: 'alias/a', keyId: B, now: 7 },
      STATE,
      SCOPE,
    );
    expect(plan).toEqual({
      writes: [{ kind: 'putAlias', alias: { ...alias('alias/a', B), lastUpdatedDate: 7 } }],
      detail: { operation: 'UpdateAlias', keyId: B, aliasName: 'alias/a', previousKeyId: A },
    });
  });

  it('refuses to move an alias to a key of another key usage', () => {
    expect(refusal({ kind: 'updateAlias', name: 'alias/a', keyId: HMAC, now: 7 })).toEqual({
      name: 'ValidationException',
      message: `${ARN}:key/${HMAC} has key usage GENERATE_VERIFY_MAC but the alias points at a key with key usage SIGN_VERIFY.`,
    });
  });

  it('deletes a stored alias, and tombstones one the config file declares', () => {
    expect(planChange({ kind: 'deleteAlias', name: 'alias/a' }, STATE, SCOPE).writes).toEqual([
      { kind: 'removeAlias', name: 'alias/a', tombstone: false },
    ]);
    expect(planChange({ kind: 'deleteAlias', name: 'alias/from-config' }, STATE, SCOPE)).toEqual({
      writes: [{ kind: 'removeAlias', name: 'alias/from-config', tombstone: true }],
      detail: { operation: 'DeleteAlias', keyId: ADOPTED, aliasName: 'alias/from-config' },
    });
  });

  it('does not see a tombstoned config alias, nor one whose key does not exist', () => {
    const state = view([key(A)], [['alias/from-config', null], alias('alias/dangling', B)], CONFIG);
    expect(state.alias('alias/from-config')).toBeUndefined();
    expect(state.alias('alias/dangling')).toBeUndefined();
    expect(refusal({ kind: 'deleteAlias', name: 'alias/dangling' }, state)).toEqual({
      name: 'NotFoundException',
      message: `Alias '${ARN}:alias/dangling' is not found.`,
    });
    // A dangling record does not hold its name.
    expect(
      planChange({ kind: 'createAlias', alias: alias('alias/dangling', A) }, state, SCOPE).writes,
    ).toHaveLength(1);
  });
});

describe('deleteKey', () => {
  it('removes the key’s aliases before its record, and refuses a key not pending deletion', () => {
    const state = view(
      [key(A, { state: 'PendingDeletion', deletionDate: 9 })],
      [alias('alias/a', A), alias('alias/a2', A)],
    );
    expect(planChange({ kind: 'deleteKey', keyId: A }, state, SCOPE).writes).toEqual([
      { kind: 'removeAlias', name: 'alias/a', tombstone: false },
      { kind: 'removeAlias', name: 'alias/a2', tombstone: false },
      { kind: 'removeKey', keyId: A },
    ]);
    expect(refusal({ kind: 'deleteKey', keyId: B })).toEqual({
      name: 'KMSInvalidStateException',
      message: `${ARN}:key/${B} is not pending deletion.`,
    });
  });
});
