// The AWS JSON 1.1 codecs the adapter needs: request bodies in (size limit, JSON without
// prototype tricks), responses out (Buffers as base64), error envelopes.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { KmsError } from '../errors/kms-error';
import { asBuffer } from '../pkcs11/bytes';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** Reads the body up to `limit` bytes; past it the request is refused without buffering more. */
const tooLarge = (limit: number): KmsError =>
  new KmsError('RequestEntityTooLargeException', `Request body is larger than ${limit} bytes.`);

/**
 * Reads the body up to `limit` bytes. Past it the request is refused at once; the rest of the
 * body is drained and discarded so the error response can still be delivered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.on('error', reject);
  });
}

// Keys that could reach an object's prototype if a later step copied the object. JSON.parse
// makes them plain own properties; they are deleted in the same walk that measures the depth
// (a JSON.parse reviver would do it too, at several times the cost of the parse). Only where
// their value is not a string: a string cannot become anyone's prototype, and in a string map
// (an EncryptionContext) "constructor" is an ordinary key that must be kept and bound, not
// silently dropped.
const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype'];

/** No KMS input nests deeper than 3; anything far deeper is an attack on the parser's callers. */
export const MAX_JSON_DEPTH = 10;

/** With the u flag a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A string member's problem, if it has one: JSON escapes can spell an unpaired surrogate
 * ("\ud800"), which is not Unicode text, and U+0000, which PostgreSQL cannot store; both are
 * refused in every member so that the two metadata stores accept exactly the same requests.
 */
function stringProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired surrogate (not valid Unicode text)';
  if (text.includes('\0')) return 'contains the character U+0000';
  return null;
}

function checkString(text: string): void {
  const problem = stringProblem(text);
  if (problem)
    throw new KmsError('SerializationException', `A string in the request body ${problem}.`);
}

/**
 * Deletes dangerous keys throughout and refuses strings that are not proper text (names and
 * values); returns the depth (stops counting past the limit).
 */
function sanitize(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const key of DANGEROUS_KEYS) {
      const record = node as Record<string, unknown>;
      if (Object.hasOwn(node, key) && typeof record[key] !== 'string') delete record[key];
    }
    for (const [name, child] of Object.entries(node)) {
      checkString(name);
      if (typeof child === 'string') checkString(child);
      else if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/**
 * Strict UTF-8: a body with invalid bytes is refused, not silently given U+FFFD characters; a
 * byte-order mark is kept (and so is not valid JSON), as JSON.parse of the bytes would see it.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses a request body: it must be one JSON object of proper text. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = body.length === 0 ? '{}' : UTF8.decode(body);
  } catch {
    throw new KmsError('SerializationException', 'The request body is not valid UTF-8.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KmsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KmsError('SerializationException', 'The request body must be a JSON object.');
  }
  if (sanitize(parsed) > MAX_JSON_DEPTH) {
    throw new KmsError(
      'SerializationException',
      `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** The wire form of an output value: binary members become base64 strings. */
function toWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return asBuffer(value).toString('base64');
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value !== 'object' || value === null) return value;
  // Whatever serialises itself (a KmsError's envelope) does so, as under JSON.stringify.
  const own = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof own === 'function') return toWire(own.call(value));
  // No prototype: a member named __proto__ stays a member.
  const wire: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, member] of Object.entries(value)) wire[key] = toWire(member);
  return wire;
}

/**
 * JSON with binary members as base64, as the AWS JSON protocol encodes blobs. (A JSON.stringify
 * replacer would do the same at a higher cost on every Sign.)
 */
export function serializeOutput(output: unknown): string {
  return JSON.stringify(toWire(output));
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  errorType?: string,
): void {
  // One writeHead with a flat header list: no per-header bookkeeping on the hot path.
  const headers = [
    'Content-Type',
    JSON_CONTENT_TYPE,
    'Content-Length',
    String(Buffer.byteLength(body)),
    'x-amzn-RequestId',
    requestId,
  ];
  if (errorType) headers.push('x-amzn-ErrorType', errorType);
  res.writeHead(status, headers);
  res.end(body);
}
