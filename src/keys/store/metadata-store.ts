// The key-metadata store: where key records and aliases live, behind one small interface with
// one folder per implementation (token/: CKO_DATA objects in the HSM, one writer per host).
//
// The contract every implementation keeps:
// - apply() runs one whole change (change-plan.ts) against the newest state under the store's
//   serialisation, so the checks inside it (alias taken? key pending deletion?) cannot race
//   another process; it resolves only once the change is durable.
// - A change that cannot be journalled (the audit trail is full) is not made: the journal is
//   called after the change is planned and before anything is written.
// - Key creation is bracketed by an intent that outlives a crash: reconcile() removes the key
//   objects of a creation whose process died before the key was recorded. A rotation's new key
//   material is made the same way (its intent names the material id; committed once some key's
//   record lists it).
// - state() is this process's view; refresh() and the store's own notices bring it up to date,
//   and listeners hear which keys and aliases changed.

import type { KeyLocator } from '../../pkcs11/token-api';
import type { ChangeDetail, MetadataChange } from './change-plan';
import type { MetadataState } from './metadata-view';

/** Writes the audit intent of a change; throws when it cannot (then nothing is changed). */
export type Journal = (detail: ChangeDetail) => void;

/** Names whose records changed, so caches can rebuild just those. */
export interface ChangedNames {
  readonly keys: readonly string[];
  readonly aliases: readonly string[];
}

/** A key (or key material) generation in progress, as the store recorded it. */
export interface CreationIntent {
  /** The key id, or for a rotation the new material's id: its objects carry this id. */
  readonly keyId: string;
}

/** A creation that was interrupted and rolled back by reconcile(). */
export interface RolledBack {
  readonly keyId: string;
  /** Where it was started (host and process). */
  readonly owner: string;
}

/** Whether this process's view of the store may be used, and whether it is fully current. */
export interface StoreHealth {
  /** Connected and following changes (readiness). */
  readonly ready: boolean;
  /** Null while keys may be used; otherwise why not (they answer KeyUnavailableException). */
  readonly unusable: string | null;
}

export interface MetadataStore {
  /** Reads the whole state once; returns problems worth a warning (not fatal). */
  open(): Promise<string[]>;
  state(): MetadataState;
  onChange(listener: (changed: ChangedNames) => void): void;
  /** Checks for changes made by other processes; cheap (O(1) token calls) when there are none. */
  refresh(): Promise<void>;
  apply(change: MetadataChange, journal?: Journal): Promise<ChangeDetail>;
  /** Records that `keyId` (a key or a key material) is about to be generated. */
  beginCreation(keyId: string): Promise<CreationIntent>;
  /**
   * Records the generated objects: `change` must be the createKey of the intent's key or the
   * addMaterial of its material (change-plan.ts createdObjectId).
   */
  commitCreation(intent: CreationIntent, change: MetadataChange): Promise<ChangeDetail>;
  /**
   * Forgets an intent whose key objects are gone (generation failed, or cleaned up), with any
   * alias record a failed commit wrote; if that fails, reconcile() finishes it later.
   */
  abandonCreation(intent: CreationIntent): Promise<void>;
  /**
   * Repairs what crashed processes left: creations whose process died before committing are
   * rolled back (key objects destroyed with `destroyKeyObjects`, intents removed), and a change
   * left half-announced is closed. Runs under the store's serialisation; cheap when clean.
   */
  reconcile(destroyKeyObjects: (locator: KeyLocator) => Promise<void>): Promise<RolledBack[]>;
  /**
   * Deletes keys whose deletion date is at or before `now`: under the store's serialisation,
   * each key's record is checked afresh, journalled, its objects (every material's:
   * key-materials.ts keyObjects) destroyed with `destroyKeyObjects`, and only then its record
   * and aliases removed. Returns the key ids.
   */
  sweep(
    now: number,
    destroyKeyObjects: (locator: KeyLocator) => Promise<void>,
    journal: Journal,
    /** A key that could not be deleted (retried later, with backoff); the others go on. */
    failed?: (keyId: string, err: unknown) => void,
  ): Promise<string[]>;
  /**
   * Runs `work` unless another process (on any host that shares the store) is running work of
   * the same `purpose`; then answers null at once. For background sweeps that must run on one
   * process at a time (automatic key rotation); the turn ends with `work` or with the process.
   */
  takeTurn<T>(purpose: 'rotation', work: () => Promise<T>): Promise<T | null>;
  /** Key ids with a creation in progress anywhere (so orphan listings can leave them alone). */
  creationsInProgress(): Promise<Set<string>>;
  health(): StoreHealth;
  /**
   * Makes the random secret for `purpose` (the paging markers' key) unless the store holds one;
   * a read-only process only looks, and warns when there is none.
   */
  ensureSharedSecret(purpose: string): Promise<void>;
  /**
   * The stored secrets for `purpose`, as this process last read them, in the same order in every
   * process (normally one; two writers on different hosts may each have made one).
   */
  sharedSecrets(purpose: string): readonly Buffer[];
  close(): Promise<void>;
}
