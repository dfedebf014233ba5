// AWS's tag rules for KMS keys, answered with TagException as KMS does.

import { KmsError } from '../errors/kms-error';
import type { Tag } from '../keys/key-record';
import type { ErrorTable } from './error-tables';

const MAX_TAGS = 50;
// Letters, numbers, spaces and _ . : / = + - @ (the set AWS allows in tag keys and values).
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const tagError = (message: string): KmsError => new KmsError('TagException', message);

export function assertValidTags(tags: readonly Tag[]): void {
  for (const { TagKey, TagValue } of tags) {
    if (TagKey.length < 1 || TagKey.length > 128)
      throw tagError(`Tag key '${TagKey}' must be 1 to 128 characters long.`);
    if (TagValue.length > 256)
      throw tagError(`The value of tag '${TagKey}' must be at most 256 characters long.`);
    if (TagKey.toLowerCase().startsWith('aws:'))
      throw tagError(`Tag key '${TagKey}' uses the reserved prefix aws:.`);
    if (!TAG_CHARACTERS.test(TagKey) || !TAG_CHARACTERS.test(TagValue)) {
      throw tagError(
        `Tag '${TagKey}' contains characters other than letters, numbers, spaces and _ . : / = + - @.`,
      );
    }
  }
  const keys = tags.map((t) => t.TagKey);
  if (new Set(keys).size !== keys.length) throw tagError('Duplicate tag keys in one request.');
}

/** AWS's 50 tags per key, at CreateKey as at TagResource. */
export function assertTagCount(tags: readonly Tag[]): void {
  if (tags.length > MAX_TAGS) throw tagError(`A key can have at most ${MAX_TAGS} tags.`);
}

/** Adds or replaces tags; refuses to go past AWS's 50 tags per key. */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  assertValidTags(added);
  const merged = new Map(current.map((t) => [t.TagKey, t]));
  for (const tag of added) merged.set(tag.TagKey, tag);
  assertTagCount([...merged.values()]);
  return [...merged.values()];
}

/** What assertValidTags and assertTagCount refuse. */
export const TAG_ERRORS: ErrorTable = [
  {
    name: 'TagException',
    when: "A tag breaks AWS's rules: key 1–128 and value 0–256 characters of letters, digits, spaces and `_ . : / = + - @`, no `aws:` prefix, no key twice, at most 50 tags per key.",
  },
];
