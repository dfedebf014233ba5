// Decodes a JSON request body against an operation's input schema: wrong JSON types are
// SerializationException (as AWS's JSON protocol answers), constraint violations are one
// ValidationException listing every violation in AWS's wording. Unknown members are ignored.

import { KmsError } from '../errors/kms-error';
import type { InputSchema, MemberSchema } from '../operations/input-schema';
import { decodeBase64Strict } from './base64';

/** AWS names members in messages in lower camel case ("Message" → "message"). */
const wireName = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

function typeError(member: string, expected: string): KmsError {
  return new KmsError('SerializationException', `Member '${member}' must be ${expected}.`);
}

function decodeMember(member: string, schema: MemberSchema, raw: unknown): unknown {
  switch (schema.kind) {
    case 'string':
      if (typeof raw !== 'string') throw typeError(member, 'a string');
      return raw;
    case 'blob': {
      if (typeof raw !== 'string') throw typeError(member, 'a base64-encoded string');
      const bytes = decodeBase64Strict(raw);
      if (!bytes)
        throw new KmsError('SerializationException', `Member '${member}' is not valid base64.`);
      return bytes;
    }
    case 'integer':
      // Past 2^53 JSON numbers are rounded on parsing: such a value is not the one sent.
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw))
        throw typeError(member, 'an integer');
      return raw;
    case 'boolean':
      if (typeof raw !== 'boolean') throw typeError(member, 'a boolean');
      return raw;
    case 'stringList':
      if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string'))
        throw typeError(member, 'a list of strings');
      return raw;
    case 'tagList':
      if (!Array.isArray(raw) || !raw.every(isTag)) {
        throw typeError(member, 'a list of {"TagKey": string, "TagValue": string}');
      }
      return raw.map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
    case 'object':
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw typeError(member, 'an object');
      return Object.assign(Object.create(null) as Record<string, unknown>, raw);
    case 'stringMap': {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
        throw typeError(member, 'a map of strings');
      // A null-prototype copy: a key named __proto__ is an ordinary entry, never a prototype.
      const map: Record<string, string> = Object.create(null) as Record<string, string>;
      for (const [key, value] of Object.entries(raw)) {
        if (typeof value !== 'string') throw typeError(member, 'a map of strings');
        map[key] = value;
      }
      return map;
    }
  }
}

function isTag(value: unknown): value is { TagKey: string; TagValue: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { TagKey, TagValue } = value as Record<string, unknown>;
  return typeof TagKey === 'string' && typeof TagValue === 'string';
}

function lengthViolations(
  at: string,
  shown: string,
  length: number,
  min?: number,
  max?: number,
): string[] {
  if (min !== undefined && length < min) {
    return [
      `Value ${shown}at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
    ];
  }
  if (max !== undefined && length > max) {
    return [
      `Value ${shown}at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    ];
  }
  return [];
}

/** Compiled once per pattern: schemas are constants, so this never grows past a few entries. */
const compiled = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    compiled.set(source, re);
  }
  return re;
}

function violations(member: string, schema: MemberSchema, value: unknown): string[] {
  const at = wireName(member);
  if (value === undefined) {
    return schema.required
      ? [`Value null at '${at}' failed to satisfy constraint: Member must not be null`]
      : [];
  }
  switch (schema.kind) {
    case 'string': {
      const s = value as string;
      const found = lengthViolations(at, `'${s}' `, s.length, schema.min, schema.max);
      if (schema.pattern !== undefined && !patternOf(schema.pattern).test(s)) {
        found.push(
          `Value '${s}' at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${schema.pattern}`,
        );
      }
      if (schema.enum && !schema.enum.includes(s)) {
        found.push(
          `Value '${s}' at '${at}' failed to satisfy constraint: Member must satisfy enum value set: [${schema.enum.join(', ')}]`,
        );
      }
      return found;
    }
    case 'blob':
      // Blobs may be sensitive (Message): AWS leaves the value out of the message.
      return lengthViolations(at, '', (value as Buffer).length, schema.min, schema.max);
    case 'integer': {
      const n = value as number;
      if (schema.min !== undefined && n < schema.min) {
        return [
          `Value '${n}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${schema.min}`,
        ];
      }
      if (schema.max !== undefined && n > schema.max) {
        return [
          `Value '${n}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${schema.max}`,
        ];
      }
      return [];
    }
    case 'boolean':
    case 'stringMap':
    case 'object':
    case 'tagList':
      // Tag rules are KMS's TagException, checked by the operation (operations/tags.ts).
      return [];
    case 'stringList': {
      const list = value as string[];
      const found = lengthViolations(
        at,
        `'[${list.join(', ')}]' `,
        list.length,
        undefined,
        schema.maxItems,
      );
      list.forEach((item, i) =>
        found.push(
          ...lengthViolations(
            `${at}.${i + 1}.member`,
            `'${item}' `,
            item.length,
            schema.itemMin,
            schema.itemMax,
          ),
        ),
      );
      const allowed = schema.itemEnum;
      if (allowed && !list.every((item) => allowed.includes(item))) {
        found.push(
          `Value '[${list.join(', ')}]' at '${at}' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${allowed.join(', ')}]]`,
        );
      }
      return found;
    }
  }
}

/** Decodes and validates `body` (a parsed JSON object) against `schema`. */
export function parseInput(
  schema: InputSchema,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [member, memberSchema] of Object.entries(schema)) {
    const raw = body[member];
    const value =
      raw === undefined || raw === null ? undefined : decodeMember(member, memberSchema, raw);
    problems.push(...violations(member, memberSchema, value));
    if (value !== undefined) input[member] = value;
  }
  if (problems.length > 0) {
    const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: `;
    throw new KmsError('ValidationException', count + problems.join('; '));
  }
  return input;
}
