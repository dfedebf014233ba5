// The key-metadata changes, in whole: what each API call changes, checked against the newest
// state and turned into record writes. Every store runs a change by reading the newest state
// under its own serialisation (the host lock, a database transaction), planning it here, and
// making the writes atomic in its own way. The rules live here once, whatever the store.

import { KmsError } from '../../errors/kms-error';
import { aliasArn, keyArn, type ArnScope } from '../arns';
import type { AliasRecord, KeyMetadataRecord } from '../key-record';
import type { MetadataView } from './metadata-view';

export type MetadataChange =
  /** Records a key just generated in the token, with aliases to create with it. */
  | {
      readonly kind: 'createKey';
      readonly record: KeyMetadataRecord;
      readonly aliases: readonly AliasRecord[];
    }
  /** Description, tags, state; `edit` may throw a KmsError to refuse. */
  | {
      readonly kind: 'updateKey';
      readonly operation: string;
      readonly keyId: string;
      readonly edit: (record: KeyMetadataRecord) => KeyMetadataRecord;
    }
  /**
   * Records a key material just generated in the token (a rotation): `edit` appends it to the
   * key's newest record, or throws a KmsError to refuse (then the material is destroyed).
   */
  | {
      readonly kind: 'addMaterial';
      readonly operation: string;
      readonly keyId: string;
      readonly materialId: string;
      readonly edit: (record: KeyMetadataRecord) => KeyMetadataRecord;
    }
  | { readonly kind: 'createAlias'; readonly alias: AliasRecord }
  | {
      readonly kind: 'updateAlias';
      readonly name: string;
      readonly keyId: string;
      readonly now: number;
    }
  | { readonly kind: 'deleteAlias'; readonly name: string }
  /** The sweeper, once the key's objects are destroyed: the record and its aliases go. */
  | { readonly kind: 'deleteKey'; readonly keyId: string }
  /**
   * `qkms metadata migrate`: records copied from another store as they are (they were checked
   * when they were made there). null marks an alias tombstone.
   */
  | {
      readonly kind: 'restore';
      readonly keys: readonly KeyMetadataRecord[];
      readonly aliases: readonly (readonly [string, AliasRecord | null])[];
    };

export type RecordWrite =
  | { readonly kind: 'putKey'; readonly record: KeyMetadataRecord }
  | { readonly kind: 'removeKey'; readonly keyId: string }
  | { readonly kind: 'putAlias'; readonly alias: AliasRecord }
  /** `tombstone`: the config file declares this alias, so removing the record would revive it. */
  | { readonly kind: 'removeAlias'; readonly name: string; readonly tombstone: boolean };

/** What the audit trail records about a change. */
export interface ChangeDetail {
  readonly operation: string;
  readonly keyId: string;
  readonly aliasName?: string;
  /** UpdateAlias: the key the alias named before. */
  readonly previousKeyId?: string;
}

export interface ChangePlan {
  /** In the order a store that cannot write them atomically must use: the last one commits. */
  readonly writes: readonly RecordWrite[];
  readonly detail: ChangeDetail;
}

const pendingDeletion = (scope: ArnScope, keyId: string): KmsError =>
  new KmsError('KMSInvalidStateException', `${keyArn(scope, keyId)} is pending deletion.`);

const keyNotFound = (scope: ArnScope, keyId: string): KmsError =>
  new KmsError('NotFoundException', `Key '${keyArn(scope, keyId)}' does not exist`);

const aliasNotFound = (scope: ArnScope, name: string): KmsError =>
  new KmsError('NotFoundException', `Alias '${aliasArn(scope, name)}' is not found.`);

const aliasTaken = (scope: ArnScope, name: string): KmsError =>
  new KmsError(
    'AlreadyExistsException',
    `An alias with the name ${aliasArn(scope, name)} already exists`,
  );

/** The key an alias may point at: it exists and is not pending deletion. */
function aliasTarget(view: MetadataView, scope: ArnScope, keyId: string): KeyMetadataRecord {
  const key = view.key(keyId);
  if (!key) throw keyNotFound(scope, keyId);
  if (key.state === 'PendingDeletion') throw pendingDeletion(scope, keyId);
  return key;
}

const sameRecord = (a: KeyMetadataRecord, b: KeyMetadataRecord): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * The id of the key or key material whose objects `change` records, for a change that commits a
 * creation (metadata-store.ts beginCreation); null for any other change.
 */
export function createdObjectId(change: MetadataChange): string | null {
  if (change.kind === 'createKey') return change.record.keyId;
  if (change.kind === 'addMaterial') return change.materialId;
  return null;
}

/** Checks `change` against `view` (the newest state) and says what to write. */
export function planChange(
  change: MetadataChange,
  view: MetadataView,
  scope: ArnScope,
): ChangePlan {
  switch (change.kind) {
    case 'createKey': {
      const { record, aliases } = change;
      if (view.key(record.keyId)) {
        throw new KmsError('AlreadyExistsException', `Key ${record.keyId} already exists.`);
      }
      for (const alias of aliases) if (view.alias(alias.name)) throw aliasTaken(scope, alias.name);
      return {
        writes: [
          ...aliases.map((alias) => ({ kind: 'putAlias', alias }) as const),
          { kind: 'putKey', record },
        ],
        detail: { operation: 'CreateKey', keyId: record.keyId },
      };
    }
    case 'updateKey': {
      const current = view.key(change.keyId);
      if (!current) throw keyNotFound(scope, change.keyId);
      const next = change.edit(current);
      const detail = { operation: change.operation, keyId: change.keyId };
      // An unchanged config-only key stays config-only: nothing to store.
      if (sameRecord(current, next)) return { writes: [], detail };
      return { writes: [{ kind: 'putKey', record: next }], detail };
    }
    case 'addMaterial': {
      const current = view.key(change.keyId);
      if (!current) throw keyNotFound(scope, change.keyId);
      const next = change.edit(current);
      // The one rule the store relies on: the material this change commits is in the record.
      if (next.materials?.[next.materials.length - 1]?.materialId !== change.materialId)
        throw new Error('an addMaterial edit must append its material');
      return {
        writes: [{ kind: 'putKey', record: next }],
        detail: { operation: change.operation, keyId: change.keyId },
      };
    }
    case 'createAlias': {
      const { alias } = change;
      aliasTarget(view, scope, alias.keyId);
      if (view.alias(alias.name)) throw aliasTaken(scope, alias.name);
      return {
        writes: [{ kind: 'putAlias', alias }],
        detail: { operation: 'CreateAlias', keyId: alias.keyId, aliasName: alias.name },
      };
    }
    case 'updateAlias': {
      const current = view.alias(change.name);
      if (!current) throw aliasNotFound(scope, change.name);
      const target = aliasTarget(view, scope, change.keyId);
      const detail = {
        operation: 'UpdateAlias',
        keyId: change.keyId,
        aliasName: change.name,
        previousKeyId: current.keyId,
      };
      if (current.keyId === change.keyId) return { writes: [], detail };
      const before = view.key(current.keyId) as KeyMetadataRecord;
      if (target.keyUsage !== before.keyUsage) {
        throw new KmsError(
          'ValidationException',
          `${keyArn(scope, target.keyId)} has key usage ${target.keyUsage} but the alias points at a key with key usage ${before.keyUsage}.`,
        );
      }
      const alias = { ...current, keyId: change.keyId, lastUpdatedDate: change.now };
      return { writes: [{ kind: 'putAlias', alias }], detail };
    }
    case 'deleteAlias': {
      const current = view.alias(change.name);
      if (!current) throw aliasNotFound(scope, change.name);
      return {
        writes: [
          {
            kind: 'removeAlias',
            name: change.name,
            tombstone: view.config.aliases.has(change.name),
          },
        ],
        detail: { operation: 'DeleteAlias', keyId: current.keyId, aliasName: change.name },
      };
    }
    case 'restore':
      // Keys before aliases, so that no alias ever names a key the store does not have yet.
      return {
        writes: [
          ...change.keys.map((record) => ({ kind: 'putKey', record }) as const),
          ...change.aliases.map(([name, alias]) =>
            alias
              ? ({ kind: 'putAlias', alias } as const)
              : ({ kind: 'removeAlias', name, tombstone: true } as const),
          ),
        ],
        detail: { operation: 'MigrateMetadata', keyId: '' },
      };
    case 'deleteKey': {
      const current = view.key(change.keyId);
      if (!current) throw keyNotFound(scope, change.keyId);
      if (current.state !== 'PendingDeletion') {
        throw new KmsError(
          'KMSInvalidStateException',
          `${keyArn(scope, change.keyId)} is not pending deletion.`,
        );
      }
      const aliases = view.aliasesOf(change.keyId).map(
        (a) =>
          ({
            kind: 'removeAlias',
            name: a.name,
            tombstone: view.config.aliases.has(a.name),
          }) as const,
      );
      return {
        writes: [...aliases, { kind: 'removeKey', keyId: change.keyId }],
        detail: { operation: 'DeleteKey', keyId: change.keyId },
      };
    }
  }
}
