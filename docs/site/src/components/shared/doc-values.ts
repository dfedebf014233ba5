// The values the generated pages pass to the components: JSON, where a value that differs per
// call is an object { $placeholder, type } (see src/api-docs/doc-types.ts in the repository).

export interface Placeholder {
  readonly $placeholder: string;
  readonly type: 'string' | 'number';
  readonly pattern: string;
  readonly from?: string;
}

export type DocValue =
  | string
  | number
  | boolean
  | Placeholder
  | readonly DocValue[]
  | { readonly [member: string]: DocValue };

export type DocObject = { readonly [member: string]: DocValue };

export function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && '$placeholder' in value;
}

const INDENT = '  ';

/** Pretty JSON in which placeholders show as `"<…>"` (strings) or `<…>` (numbers). */
export function showJson(value: DocValue, depth = 0): string {
  if (isPlaceholder(value))
    return value.type === 'string' ? JSON.stringify(value.$placeholder) : value.$placeholder;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const pad = INDENT.repeat(depth + 1);
    const items = value.map((item: DocValue) => `${pad}${showJson(item, depth + 1)}`);
    return `[\n${items.join(',\n')}\n${INDENT.repeat(depth)}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as DocObject);
    if (entries.length === 0) return '{}';
    const pad = INDENT.repeat(depth + 1);
    const members = entries.map(
      ([k, v]) => `${pad}${JSON.stringify(k)}: ${showJson(v, depth + 1)}`,
    );
    return `{\n${members.join(',\n')}\n${INDENT.repeat(depth)}}`;
  }
  return JSON.stringify(value);
}

/** HTTP reason phrases of the statuses QKMS answers with. */
export const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
