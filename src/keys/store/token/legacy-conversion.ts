// Converts records of the first layout (format 1: each key record carried its aliases) in place:
// the writes that store what the record set already derives from them (record-set.ts), and the
// old objects to destroy in the same announced change. Readers see the same keys and aliases
// before, during and after; a crash half-way leaves objects of both layouts, and the next
// writable start converts what is left.

import type { RecordWrite } from '../change-plan';
import type { RecordSet } from './record-set';
import { aliasLabel, keyLabel } from './records';

export interface Conversion {
  readonly writes: RecordWrite[];
  readonly destroy: string[];
  readonly problems: string[];
}

export function legacyConversion(records: RecordSet): Conversion | null {
  const legacy = records.objectsOf('legacy');
  if (legacy.length === 0) return null;
  const state = records.state();
  const writes: RecordWrite[] = [];
  const problems: string[] = [];
  const newest = new Map<string, (typeof legacy)[number]['object']>();
  for (const { object } of legacy) {
    const seen = newest.get(object.record.keyId);
    if (!seen || object.revision > seen.revision) newest.set(object.record.keyId, object);
  }
  for (const [keyId, object] of newest) {
    if (records.handlesOf(keyLabel(keyId)).length > 0) continue; // Converted before a crash.
    const record = state.keys.get(keyId);
    if (!record) continue;
    for (const { name } of object.aliases) {
      const alias = state.aliases.get(name);
      if (alias?.keyId !== keyId) {
        // The old layout could put one name on two keys; the other key keeps it.
        problems.push(
          `alias ${name} was recorded on keys ${keyId} and ${alias?.keyId ?? '(none)'}; it stays on ${alias?.keyId ?? 'neither'}`,
        );
        continue;
      }
      if (records.handlesOf(aliasLabel(name)).length === 0)
        writes.push({ kind: 'putAlias', alias });
    }
    writes.push({ kind: 'putKey', record });
  }
  return { writes, destroy: legacy.map((l) => l.handle), problems: [...new Set(problems)] };
}
