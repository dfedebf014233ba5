// The rows of the Request Parameters and Response Elements tables: types, whether required and
// constraints come from the input schema the wire layer validates with; meanings from the page.

import { ACCEPTED_CONTENT_TYPES, TARGET_PREFIX } from '../../http/kms-handler';
import type { InputSchema, MemberSchema } from '../../operations/input-schema';
import type { OutputMembers, Shape } from '../doc-types';

/** One row of a ParamsTable (the site's component takes exactly this). */
export interface ParamRow {
  readonly name: string;
  readonly type: string;
  readonly required?: boolean;
  readonly constraints: readonly string[];
  readonly doc: string;
  /** Nesting level in a response: KeyMetadata (0) → KeyMetadata.Arn (1). */
  readonly depth?: number;
}

const range = (min: number | undefined, max: number | undefined, unit: string): string | null =>
  min === undefined && max === undefined
    ? null
    : max === undefined
      ? `at least ${min} ${unit}`
      : `${min ?? 0}–${max} ${unit}`;

export function memberType(schema: MemberSchema): string {
  switch (schema.kind) {
    case 'string':
      return 'String';
    case 'blob':
      return 'Blob (base64)';
    case 'integer':
      return 'Integer';
    case 'boolean':
      return 'Boolean';
    case 'stringList':
      return 'Array of strings';
    case 'tagList':
      return 'Array of Tag objects';
    case 'stringMap':
      return 'String to string map';
    case 'object':
      return 'Object';
  }
}

export function constraintsOf(schema: MemberSchema): string[] {
  const found: (string | null)[] = [];
  switch (schema.kind) {
    case 'string':
      found.push(range(schema.min, schema.max, 'characters'));
      if (schema.pattern) found.push(`Pattern: \`${schema.pattern}\``);
      if (schema.enum) found.push(`Valid values: ${schema.enum.map((v) => `\`${v}\``).join(', ')}`);
      break;
    case 'blob':
      found.push(range(schema.min, schema.max, 'bytes'));
      break;
    case 'integer':
      found.push(range(schema.min, schema.max, '(inclusive)'));
      break;
    case 'stringList':
      if (schema.maxItems !== undefined) found.push(`At most ${schema.maxItems} items`);
      found.push(
        range(schema.itemMin, schema.itemMax, 'characters')?.replace(/^/, 'Each item ') ?? null,
      );
      if (schema.itemEnum) {
        found.push(`Valid values: ${schema.itemEnum.map((v) => `\`${v}\``).join(', ')}`);
      }
      break;
    case 'tagList':
      found.push('Each `{ "TagKey": string, "TagValue": string }`');
      break;
    case 'stringMap':
    case 'object':
    case 'boolean':
      break;
  }
  return found.filter((c): c is string => c !== null);
}

export function requestRows(
  schema: InputSchema,
  docs: Readonly<Record<string, string>>,
): ParamRow[] {
  return Object.entries(schema).map(([name, member]) => ({
    name,
    type: memberType(member),
    required: member.required === true,
    constraints: constraintsOf(member),
    doc: docs[name] ?? '',
  }));
}

/** The HTTP headers of every call, as the wire layer reads them. */
export function headerRows(operation: string): ParamRow[] {
  const types = ACCEPTED_CONTENT_TYPES.map((t) => `\`${t}\``);
  return [
    {
      name: 'Host',
      type: 'String',
      required: true,
      constraints: [],
      doc: "The gateway's host and port; signed. With `http.allowedHosts`, one of the names listed there.",
    },
    {
      name: 'Content-Type',
      type: 'String',
      required: true,
      constraints: [`Valid values: ${types.join(', ')}`],
      doc: 'The AWS JSON 1.1 protocol.',
    },
    {
      name: 'X-Amz-Target',
      type: 'String',
      required: true,
      constraints: [`Valid values: \`${TARGET_PREFIX}${operation}\``],
      doc: 'The operation; signed.',
    },
    {
      name: 'X-Amz-Date',
      type: 'String',
      required: true,
      constraints: ['`YYYYMMDDTHHMMSSZ`, within 5 minutes of the gateway clock'],
      doc: 'When the request was signed; signed. Not needed with `auth.mode` mtls or none.',
    },
    {
      name: 'Authorization',
      type: 'String',
      required: true,
      constraints: [
        '`AWS4-HMAC-SHA256 Credential=…/<date>/<region>/kms/aws4_request, SignedHeaders=…, Signature=…`',
      ],
      doc: "The SigV4 signature with one of QKMS's access keys, in the gateway's Region; `SignedHeaders` must include `host`, `x-amz-date` and `x-amz-target`. Not needed with `auth.mode` mtls or none.",
    },
    {
      name: 'X-Amz-Content-Sha256',
      type: 'String',
      required: false,
      constraints: ['64 hex digits'],
      doc: 'The SHA-256 of the body. QKMS hashes the body itself; if sent, this must match (`UNSIGNED-PAYLOAD` is refused).',
    },
  ];
}

export function shapeType(shape: Shape): string {
  switch (shape.kind) {
    case 'string':
      return 'String';
    case 'blob':
      return 'Blob (base64)';
    case 'integer':
      return 'Integer';
    case 'timestamp':
      return 'Timestamp (epoch seconds)';
    case 'boolean':
      return 'Boolean';
    case 'list':
      return `Array of ${shapeType(shape.of)}${shape.of.kind === 'structure' ? ' objects' : 's'}`;
    case 'structure':
      return shape.name;
  }
}

const valuesOf = (shape: Shape): string[] =>
  shape.kind === 'string' && shape.values
    ? [`Valid values: ${shape.values.map((v) => `\`${v}\``).join(', ')}`]
    : shape.kind === 'list'
      ? valuesOf(shape.of)
      : [];

/** Response members, with the members of structures (also inside lists) below them. */
export function responseRows(members: OutputMembers, prefix = '', depth = 0): ParamRow[] {
  return Object.entries(members).flatMap(([name, { shape, doc }]) => {
    const row = {
      name: prefix + name,
      type: shapeType(shape),
      constraints: valuesOf(shape),
      doc,
      depth,
    };
    const inner = shape.kind === 'list' ? shape.of : shape;
    return inner.kind === 'structure'
      ? [
          row,
          ...responseRows(
            inner.members,
            `${prefix}${name}${shape.kind === 'list' ? '[]' : ''}.`,
            depth + 1,
          ),
        ]
      : [row];
  });
}
