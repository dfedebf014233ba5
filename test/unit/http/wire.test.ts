import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { KmsError } from '../../../src/errors/kms-error';
import { parseJsonObject, readBody, sendJson, serializeOutput } from '../../../src/http/wire';

function thrown(run: () => unknown): { name: string; message: string } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(KmsError);
    return { name: (err as KmsError).name, message: (err as KmsError).message };
  }
  throw new Error('expected a throw');
}

describe('parseJsonObject', () => {
  it('parses a JSON object', () => {
    expect(parseJsonObject(Buffer.from('{"KeyId":"k","Limit":5,"List":[1,"a"]}'))).toEqual({
      KeyId: 'k',
      Limit: 5,
      List: [1, 'a'],
    });
  });

  it('treats an empty body as an empty object', () => {
    expect(parseJsonObject(Buffer.alloc(0))).toEqual({});
  });

  it.each([
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"KeyId"'],
    ['a number', '42'],
    ['true', 'true'],
  ])('refuses %s with SerializationException', (_what, body) => {
    expect(thrown(() => parseJsonObject(Buffer.from(body)))).toEqual({
      name: 'SerializationException',
      message: 'The request body must be a JSON object.',
    });
  });

  it.each([
    ['truncated JSON', '{"KeyId":'],
    ['a trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['text', 'hello'],
    ['whitespace only', '   '],
  ])('refuses %s as invalid JSON', (_what, body) => {
    expect(thrown(() => parseJsonObject(Buffer.from(body)))).toEqual({
      name: 'SerializationException',
      message: 'The request body is not valid JSON.',
    });
  });

  it('refuses bytes that are not UTF-8, and keeps a byte-order mark (not JSON)', () => {
    expect(thrown(() => parseJsonObject(Buffer.from([0x7b, 0xff, 0x7d])))).toEqual({
      name: 'SerializationException',
      message: 'The request body is not valid UTF-8.',
    });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]);
    expect(thrown(() => parseJsonObject(bom))).toEqual({
      name: 'SerializationException',
      message: 'The request body is not valid JSON.',
    });
  });

  it.each([
    ['an unpaired high surrogate in a value', '{"KeyId":"x\\ud800y"}', 'an unpaired surrogate'],
    [
      'an unpaired low surrogate deep down',
      '{"Tags":[{"TagValue":"\\udc00"}]}',
      'an unpaired surrogate',
    ],
    ['an unpaired surrogate in a member name', '{"\\ud800":1}', 'an unpaired surrogate'],
    ['U+0000', '{"Description":"a\\u0000b"}', 'U+0000'],
  ])('refuses a string with %s', (_what, body, problem) => {
    expect(thrown(() => parseJsonObject(Buffer.from(body)))).toEqual({
      name: 'SerializationException',
      message: expect.stringContaining(problem),
    });
  });

  it('accepts text beyond the BMP (a surrogate pair, escaped or not)', () => {
    expect(parseJsonObject(Buffer.from('{"Description":"\\ud83d\\ude00 😀"}'))).toEqual({
      Description: '😀 😀',
    });
  });

  it('drops __proto__, constructor and prototype members at every depth', () => {
    const parsed = parseJsonObject(
      Buffer.from(
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":1,' +
          '"KeyId":"k","Nested":{"__proto__":{"polluted":"yes"},"ok":1},"List":[{"__proto__":{"polluted":"yes"}}]}',
      ),
    );
    expect(Object.keys(parsed).sort()).toEqual(['KeyId', 'List', 'Nested']);
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(false);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect((parsed as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(parsed.Nested as object)).toEqual(['ok']);
    expect(Object.keys((parsed.List as object[])[0] as object)).toEqual([]);
  });

  it('keeps them where their value is a string: ordinary keys of a string map', () => {
    const parsed = parseJsonObject(
      Buffer.from(
        '{"EncryptionContext":{"__proto__":"a","constructor":"b","prototype":"c","ok":"d"}}',
      ),
    );
    const context = parsed.EncryptionContext as Record<string, unknown>;
    expect(Object.entries(context)).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
      ['prototype', 'c'],
      ['ok', 'd'],
    ]);
    // A string cannot become a prototype, copied or not.
    const copy = Object.assign({}, context);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.getPrototypeOf({ ...context })).toBe(Object.prototype);
  });

  it('leaves Object.prototype clean, also after the result is copied', () => {
    const parsed = parseJsonObject(
      Buffer.from(
        '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
      ),
    );
    const copy = Object.assign({}, parsed);
    const spread = { ...parsed };
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect((spread as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  });
});

describe('serializeOutput', () => {
  it('base64-encodes Buffers and Uint8Arrays in objects and arrays', () => {
    const out = serializeOutput({
      KeyId: 'arn',
      Signature: Buffer.from('hello'),
      Raw: new Uint8Array([0xfb, 0xff]),
      Nested: { Blob: Buffer.from([0, 1, 2]), List: [Buffer.from('a'), new Uint8Array([0x62])] },
      Count: 3,
      Valid: true,
    });
    expect(JSON.parse(out)).toEqual({
      KeyId: 'arn',
      Signature: 'aGVsbG8=',
      Raw: '+/8=',
      Nested: { Blob: 'AAEC', List: ['YQ==', 'Yg=='] },
      Count: 3,
      Valid: true,
    });
  });

  it('encodes only the viewed bytes of a Uint8Array over a larger buffer', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    expect(JSON.parse(serializeOutput({ B: view }))).toEqual({ B: 'AQID' });
    const pooled = Buffer.from('xyz-signature-xyz').subarray(4, 13);
    expect(JSON.parse(serializeOutput({ S: pooled }))).toEqual({
      S: Buffer.from('signature').toString('base64'),
    });
  });

  it('encodes an empty Buffer as an empty string', () => {
    expect(serializeOutput({ B: Buffer.alloc(0) })).toBe('{"B":""}');
  });

  it('leaves numbers (epoch-second dates) and strings alone', () => {
    expect(
      serializeOutput({
        CreationDate: 1700000000,
        Arn: 'arn:aws:kms:us-east-1:111122223333:key/x',
      }),
    ).toBe('{"CreationDate":1700000000,"Arn":"arn:aws:kms:us-east-1:111122223333:key/x"}');
  });

  it('serialises a KmsError as its envelope', () => {
    expect(serializeOutput(new KmsError('NotFoundException', 'nope'))).toBe(
      '{"__type":"NotFoundException","message":"nope"}',
    );
  });
});

describe('readBody', () => {
  function request(
    headers: Record<string, string>,
  ): PassThrough & { headers: Record<string, string> } {
    return Object.assign(new PassThrough(), { headers });
  }

  it('collects the chunks of the body', async () => {
    const req = request({});
    const body = readBody(req as unknown as IncomingMessage, 100);
    req.write('{"a":');
    req.end('1}');
    expect((await body).toString()).toBe('{"a":1}');
  });

  it('refuses a declared Content-Length above the limit without reading', async () => {
    const req = request({ 'content-length': '101' });
    await expect(readBody(req as unknown as IncomingMessage, 100)).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      status: 413,
      message: 'Request body is larger than 100 bytes.',
    });
  });

  it('refuses a body that grows past the limit while streaming', async () => {
    const req = request({});
    const body = readBody(req as unknown as IncomingMessage, 10);
    req.write(Buffer.alloc(6));
    req.write(Buffer.alloc(6));
    await expect(body).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      status: 413,
    });
  });

  it('accepts a body of exactly the limit', async () => {
    const req = request({ 'content-length': '10' });
    const body = readBody(req as unknown as IncomingMessage, 10);
    req.end(Buffer.alloc(10, 1));
    expect((await body).length).toBe(10);
  });
});

describe('sendJson', () => {
  /** Answers one request with `send`, over a real loopback server, and returns what arrived. */
  async function answered(send: (res: ServerResponse) => void) {
    const server = createServer((_req, res) => send(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' });
      return { status: res.status, headers: res.headers, body: await res.text() };
    } finally {
      server.close();
    }
  }

  it('sets status, JSON 1.1 content type, length, request id and error type', async () => {
    const { status, headers, body } = await answered((res) =>
      sendJson(res, 400, '{"é":1}', 'req-1', 'ValidationException'),
    );
    expect(status).toBe(400);
    expect(headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(headers.get('content-length')).toBe('8'); // bytes, not characters: é is two
    expect(headers.get('x-amzn-requestid')).toBe('req-1');
    expect(headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(body).toBe('{"é":1}');
  });

  it('sends no x-amzn-ErrorType on success', async () => {
    const { status, headers } = await answered((res) => sendJson(res, 200, '{}', 'req-2'));
    expect(status).toBe(200);
    expect(headers.has('x-amzn-errortype')).toBe(false);
  });
});
