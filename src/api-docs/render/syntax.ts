// Request Syntax and Response Syntax: the JSON skeleton of a call, each member with its type,
// as AWS's reference writes it ("string", blob, number, boolean, lists and objects).

import { ACCEPTED_CONTENT_TYPES, TARGET_PREFIX } from '../../http/kms-handler';
import type { InputSchema, MemberSchema } from '../../operations/input-schema';
import type { OutputMembers, Shape } from '../doc-types';

const INDENT = '   ';

function inputValue(schema: MemberSchema): string {
  switch (schema.kind) {
    case 'string':
      return '"string"';
    case 'blob':
      return 'blob';
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'stringList':
      return '[ "string" ]';
    case 'stringMap':
      return '{\n' + INDENT.repeat(2) + '"string": "string"\n' + INDENT + '}';
    case 'object':
      return '{ ... }';
    case 'tagList':
      return `[\n${INDENT.repeat(2)}{\n${INDENT.repeat(3)}"TagKey": "string",\n${INDENT.repeat(3)}"TagValue": "string"\n${INDENT.repeat(2)}}\n${INDENT}]`;
  }
}

function object(entries: readonly [string, string][], depth: number): string {
  if (entries.length === 0) return '{}';
  const pad = INDENT.repeat(depth + 1);
  const body = entries.map(([name, value]) => `${pad}"${name}": ${value}`).join(',\n');
  return `{\n${body}\n${INDENT.repeat(depth)}}`;
}

export function requestSyntax(operation: string, schema: InputSchema): string {
  const body = object(
    Object.entries(schema).map(([name, member]) => [name, inputValue(member)]),
    0,
  );
  return [
    'POST / HTTP/1.1',
    'Host: <gateway host:port>',
    `Content-Type: ${ACCEPTED_CONTENT_TYPES[0]}`,
    `X-Amz-Target: ${TARGET_PREFIX}${operation}`,
    'X-Amz-Date: <YYYYMMDDTHHMMSSZ>',
    'Authorization: AWS4-HMAC-SHA256 Credential=<access key id>/<YYYYMMDD>/<region>/kms/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<signature>',
    '',
    body,
  ].join('\n');
}

function outputValue(shape: Shape, depth: number): string {
  switch (shape.kind) {
    case 'string':
      return '"string"';
    case 'blob':
      return 'blob';
    case 'integer':
    case 'timestamp':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'list': {
      const pad = INDENT.repeat(depth + 1);
      return `[\n${pad}${outputValue(shape.of, depth + 1)}\n${INDENT.repeat(depth)}]`;
    }
    case 'structure':
      return responseObject(shape.members, depth);
  }
}

function responseObject(members: OutputMembers, depth: number): string {
  return object(
    Object.entries(members).map(([name, m]) => [name, outputValue(m.shape, depth + 1)]),
    depth,
  );
}

export function responseSyntax(members: OutputMembers): string {
  return [
    'HTTP/1.1 200 OK',
    `Content-Type: ${ACCEPTED_CONTENT_TYPES[0]}`,
    'x-amzn-RequestId: <request id>',
    '',
    responseObject(members, 0),
  ].join('\n');
}
