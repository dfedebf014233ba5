// The JSON body "Try it out" sends, from what the reader typed. Nothing is checked here: a
// value the gateway refuses is sent as typed, so that the reader sees the gateway's own error.

import { isPlaceholder, type DocObject, type DocValue } from '../shared/doc-values';
import { EMPTY, type FieldValue, type Member } from './members';

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The text of a base64 value when it is readable UTF-8, or null. */
function readableUtf8(base64: string): string | null {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Control characters other than tab and newlines are not for a text field.
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

function wireValue(member: Member, field: FieldValue): unknown {
  const { text } = field;
  switch (member.kind) {
    case 'string':
      return text;
    case 'blob':
      return field.encoding === 'utf8' ? utf8ToBase64(text) : text;
    case 'integer':
      // A number when it reads as one; otherwise the text, for the gateway to refuse.
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'boolean':
      return text === 'true';
    case 'stringList':
      return lines(text);
    case 'tagList':
      return lines(text).map((line) => {
        const at = line.indexOf('=');
        return at === -1
          ? { TagKey: line, TagValue: '' }
          : { TagKey: line.slice(0, at), TagValue: line.slice(at + 1) };
      });
  }
}

export function requestBody(
  members: readonly Member[],
  fields: Record<string, FieldValue>,
): string {
  const body: Record<string, unknown> = {};
  for (const member of members) {
    const field = fields[member.name] ?? EMPTY;
    if (field.text !== '') body[member.name] = wireValue(member, field);
  }
  return JSON.stringify(body);
}

/** The fields for an example's request; values that differ per call are left empty. */
export function fieldsFromExample(
  members: readonly Member[],
  request: DocObject,
): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const member of members) {
    const value: DocValue | undefined = request[member.name];
    if (value === undefined || isPlaceholder(value)) continue;
    if (member.kind === 'blob' && typeof value === 'string') {
      const text = readableUtf8(value);
      fields[member.name] =
        text === null ? { text: value, encoding: 'base64' } : { text, encoding: 'utf8' };
    } else if (member.kind === 'stringList' && Array.isArray(value)) {
      fields[member.name] = { text: value.join('\n'), encoding: 'utf8' };
    } else if (member.kind === 'tagList' && Array.isArray(value)) {
      const tags = value as readonly { TagKey: string; TagValue: string }[];
      fields[member.name] = {
        text: tags.map((t) => `${t.TagKey}=${t.TagValue}`).join('\n'),
        encoding: 'utf8',
      };
    } else {
      fields[member.name] = { text: String(value), encoding: 'utf8' };
    }
  }
  return fields;
}

/** Placeholder hints for the members an example leaves to the reader. */
export function hintsFromExample(request: DocObject): Record<string, string> {
  const hints: Record<string, string> = {};
  for (const [name, value] of Object.entries(request)) {
    if (isPlaceholder(value)) hints[name] = value.$placeholder;
  }
  return hints;
}
