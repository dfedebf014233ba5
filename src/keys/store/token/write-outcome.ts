// Whether a change's writes are in the state read back after a failure. A token call can fail
// after doing its work (the reply came too late, the HSM answered CKR_DEVICE_ERROR after
// committing): the store then reads the token again and answers by what is there, so that an
// error means "not made" and a change that was made is answered as made.

import type { AliasRecord, KeyMetadataRecord } from '../../key-record';
import type { RecordWrite } from '../change-plan';
import type { MetadataState } from '../metadata-view';
import { parseAliasRecord, parseKeyRecord } from '../record-validation';

/** The record as it reads back from storage, so planned and stored records compare equal. */
const stored = (value: KeyMetadataRecord | AliasRecord | null | undefined, alias: boolean) =>
  value === null || value === undefined
    ? value
    : JSON.stringify(
        (alias ? parseAliasRecord : parseKeyRecord)(JSON.parse(JSON.stringify(value))),
      );

function applied(w: RecordWrite, state: MetadataState): boolean {
  switch (w.kind) {
    case 'putKey':
      return stored(state.keys.get(w.record.keyId), false) === stored(w.record, false);
    case 'removeKey':
      return !state.keys.has(w.keyId);
    case 'putAlias':
      return stored(state.aliases.get(w.alias.name), true) === stored(w.alias, true);
    case 'removeAlias':
      return w.tombstone ? state.aliases.get(w.name) === null : !state.aliases.has(w.name);
  }
}

/** Whether every write of a change shows in `state` (an empty change never "shows"). */
export function allApplied(writes: readonly RecordWrite[], state: MetadataState): boolean {
  return writes.length > 0 && writes.every((w) => applied(w, state));
}
