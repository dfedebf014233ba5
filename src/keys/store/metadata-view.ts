// What the key metadata says once the stored records and the config file's adopted keys are put
// together. Stored records win: an adopted key changed through the API has a stored record,
// and an alias the config declares can be moved (a stored alias record) or deleted (a stored
// tombstone). An alias whose key does not exist names nothing: a crash can leave such a
// record behind for a moment (see token-store.ts), and it must never resolve.

import type { AliasRecord, KeyMetadataRecord } from '../key-record';

/** What a store holds. */
export interface MetadataState {
  readonly keys: ReadonlyMap<string, KeyMetadataRecord>;
  /** null marks a tombstone: the alias was deleted, whatever the config file says. */
  readonly aliases: ReadonlyMap<string, AliasRecord | null>;
}

/** The config file's adopted keys and their aliases (src/keys/config-keys.ts builds it). */
export interface ConfigKeys {
  readonly keys: ReadonlyMap<string, KeyMetadataRecord>;
  readonly aliases: ReadonlyMap<string, AliasRecord>;
}

export const NO_CONFIG_KEYS: ConfigKeys = { keys: new Map(), aliases: new Map() };

export class MetadataView {
  constructor(
    readonly state: MetadataState,
    readonly config: ConfigKeys,
  ) {}

  key(keyId: string): KeyMetadataRecord | undefined {
    return this.state.keys.get(keyId) ?? this.config.keys.get(keyId);
  }

  /** Whether the key's record is in the store (not only in the config file). */
  stored(keyId: string): boolean {
    return this.state.keys.has(keyId);
  }

  alias(name: string): AliasRecord | undefined {
    const alias = this.state.aliases.has(name)
      ? this.state.aliases.get(name)
      : this.config.aliases.get(name);
    return alias && this.key(alias.keyId) ? alias : undefined;
  }

  /** Every alias name that resolves, stored or from the config file. */
  aliasNames(): Set<string> {
    const names = new Set<string>();
    for (const name of [...this.state.aliases.keys(), ...this.config.aliases.keys()])
      if (this.alias(name)) names.add(name);
    return names;
  }

  aliasesOf(keyId: string): AliasRecord[] {
    const out: AliasRecord[] = [];
    for (const name of this.aliasNames()) {
      const alias = this.alias(name);
      if (alias?.keyId === keyId) out.push(alias);
    }
    return out;
  }

  /** Every key, stored or adopted through the config file. */
  keyIds(): Set<string> {
    return new Set([...this.state.keys.keys(), ...this.config.keys.keys()]);
  }
}
