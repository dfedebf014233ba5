// Compares a real answer with what the API reference shows: literal values must be equal,
// placeholders (values that differ per call) must match their pattern, and every member must be
// one the page documents, of the documented type. Returns the differences, so a test failure
// says where the page and the gateway part ways.

import type { DocValue, OutputMembers, Shape } from '../../src/api-docs/doc-types';

const isPlaceholder = (
  v: unknown,
): v is { $placeholder: string; type: 'string' | 'number'; pattern: string } =>
  typeof v === 'object' && v !== null && '$placeholder' in v;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Where `actual` differs from the documented `shown` value. */
export function differences(actual: unknown, shown: DocValue, at = '$'): string[] {
  if (isPlaceholder(shown)) {
    if (typeof actual !== shown.type)
      return [`${at}: ${JSON.stringify(actual)} is not a ${shown.type}`];
    return new RegExp(shown.pattern).test(String(actual))
      ? []
      : [`${at}: ${JSON.stringify(actual)} does not match ${shown.$placeholder}`];
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual) || actual.length !== shown.length)
      return [`${at}: ${JSON.stringify(actual)} is not a list of ${shown.length}`];
    return shown.flatMap((item: DocValue, i) => differences(actual[i], item, `${at}[${i}]`));
  }
  if (typeof shown === 'object' && shown !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return [`${at}: ${JSON.stringify(actual)} is not an object`];
    const got = actual as Record<string, unknown>;
    const names = new Set([...Object.keys(got), ...Object.keys(shown)]);
    return [...names].flatMap((name) => {
      const expected = (shown as Record<string, DocValue>)[name];
      if (expected === undefined) return [`${at}.${name}: answered but not shown`];
      if (!(name in got)) return [`${at}.${name}: shown but not answered`];
      return differences(got[name], expected, `${at}.${name}`);
    });
  }
  return actual === shown
    ? []
    : [`${at}: ${JSON.stringify(actual)} is not ${JSON.stringify(shown)}`];
}

function typeProblem(value: unknown, shape: Shape, at: string): string[] {
  switch (shape.kind) {
    case 'string':
      if (typeof value !== 'string') return [`${at} is not a string`];
      return shape.values && !shape.values.includes(value)
        ? [`${at}: ${value} is not a documented value`]
        : [];
    case 'blob':
      return typeof value === 'string' && BASE64.test(value) ? [] : [`${at} is not base64`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at} is not an integer`];
    case 'timestamp':
      return typeof value === 'number' ? [] : [`${at} is not epoch seconds`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} is not a boolean`];
    case 'list':
      return Array.isArray(value)
        ? value.flatMap((item, i) => typeProblem(item, shape.of, `${at}[${i}]`))
        : [`${at} is not a list`];
    case 'structure':
      return undocumentedMembers(value, shape.members, at);
  }
}

/** Members of `value` the page does not document, or not with the documented type. */
export function undocumentedMembers(value: unknown, members: OutputMembers, at = '$'): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${at} is not an object`];
  return Object.entries(value).flatMap(([name, member]) => {
    const doc = members[name];
    return doc
      ? typeProblem(member, doc.shape, `${at}.${name}`)
      : [`${at}.${name} is not documented`];
  });
}
