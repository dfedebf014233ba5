// The rules in the pages' note boxes that the code's tables decide: which key specs take which
// algorithms, how long a digest is, how long a message may be. Written from the tables, so a
// new key spec or algorithm reaches the reference by itself.

import { KEY_SPEC_TABLE, KEY_SPECS, type KeySpec } from '../crypto/key-specs';
import { SIGNING_ALGORITHM_TABLE, SIGNING_ALGORITHMS } from '../crypto/signing-algorithms';
import type { InputSchema } from '../operations/input-schema';

const code = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

/** Groups key specs with the same algorithms: "RSA_2048, RSA_3072: A, B". */
function specGroups(specs: readonly KeySpec[], algorithmsOf: (s: KeySpec) => readonly string[]) {
  const groups = new Map<string, KeySpec[]>();
  for (const spec of specs) {
    const key = algorithmsOf(spec).join(',');
    groups.set(key, [...(groups.get(key) ?? []), spec]);
  }
  return [...groups.values()].map((group) => {
    const entry = KEY_SPEC_TABLE[group[0] as KeySpec];
    const missing =
      entry.generation.kind === 'unavailable' ? ` (needs ${entry.generation.capability})` : '';
    return `${code(group)}: ${code(algorithmsOf(group[0] as KeySpec))}${missing}`;
  });
}

/** Which signing algorithms each SIGN_VERIFY key spec takes. */
export function signingSpecsRule(): string {
  const specs = KEY_SPECS.filter((s) => KEY_SPEC_TABLE[s].keyUsages.includes('SIGN_VERIFY'));
  const groups = specGroups(specs, (s) => KEY_SPEC_TABLE[s].signingAlgorithms);
  return `\`SigningAlgorithm\` must be one of the key spec's: ${groups.join('; ')}.`;
}

/** Which MAC algorithm each HMAC key spec takes. */
export function macSpecsRule(): string {
  const specs = KEY_SPECS.filter((s) =>
    KEY_SPEC_TABLE[s].keyUsages.includes('GENERATE_VERIFY_MAC'),
  );
  const groups = specGroups(specs, (s) => KEY_SPEC_TABLE[s].macAlgorithms);
  return `\`MacAlgorithm\` must be the key spec's: ${groups.join('; ')}.`;
}

/** How long a DIGEST message is, and the algorithms that take other message types. */
export function digestRule(): string {
  const byLength = new Map<number, string[]>();
  const unusual = new Map<string, string[]>();
  for (const name of SIGNING_ALGORITHMS) {
    const { messageTypes, digestLength } = SIGNING_ALGORITHM_TABLE[name];
    if (messageTypes.includes('DIGEST') && digestLength !== null)
      byLength.set(digestLength, [...(byLength.get(digestLength) ?? []), name]);
    const types = messageTypes.join(' or ');
    if (types !== 'RAW or DIGEST') unusual.set(types, [...(unusual.get(types) ?? []), name]);
  }
  const lengths = [...byLength].map(([bytes, names]) => `${bytes} bytes for ${code(names)}`);
  const others = [...unusual].map(
    ([types, names]) => `${code(names)} ${names.length === 1 ? 'takes' : 'take'} ${types} only`,
  );
  return (
    'With `MessageType: DIGEST` the message is the digest itself and is never hashed again: ' +
    `exactly ${lengths.join('; ')}. Every algorithm takes RAW and DIGEST except: ` +
    `${others.join('; ')}.`
  );
}

/** A blob member's length limit, from the schema: "`Message`: 1–4096 bytes". */
export function blobLimitRule(schema: InputSchema, member: string, what: string): string {
  const m = schema[member];
  if (!m || m.kind !== 'blob') throw new Error(`${member} is not a blob member`);
  return `\`${member}\` is ${m.min}–${m.max} bytes of ${what}.`;
}
