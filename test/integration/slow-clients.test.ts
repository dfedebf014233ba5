// Slow clients are cut off at http.requestTimeoutMs (headers: a third of it) while others are
// served alongside. Node checks these limits only every `connectionsCheckingInterval` (30 s by
// default); the trickles here would finish well inside 30 s, so they are cut only if QKMS makes
// Node check often enough. Outcomes and ordering are asserted, never durations.

import { connect } from 'node:net';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestGateway, type TestGateway } from '../support/test-token';

/** Headers are due within 1 s, the whole request within 3 s. */
const REQUEST_TIMEOUT_MS = 3000;

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    env: { QKMS_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
  });
});

afterAll(async () => {
  await gw?.close();
});

interface Trickled {
  /** Everything the server sent back. */
  readonly response: string;
  /** Bytes the client still meant to send when the connection closed. */
  readonly unsent: number;
}

/**
 * Sends `head` at once, then `slow` one byte every `everyMs` until all is sent or the server
 * closes the connection; resolves once it is closed.
 */
function trickle(head: string, slow: string, everyMs: number): Promise<Trickled> {
  const { hostname, port } = new URL(gw.gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (d: Buffer) => (response += d.toString()));
    socket.on('error', () => undefined); // a reset after the 408 is still a cut
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ response, unsent: slow.length - sent });
    });
    socket.once('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent === slow.length || socket.destroyed) return clearInterval(timer);
        socket.write(slow.charAt(sent++));
      }, everyMs);
    });
    socket.setTimeout(60_000, () => reject(new Error('the server neither answered nor closed')));
  });
}

it('cuts off clients trickling headers or a body with 408 while a normal client is served', async () => {
  const host = new URL(gw.gateway.url).host;
  // 100 header bytes over ~10 s: ten times the 1 s headers limit.
  const slowHeaders = trickle(
    `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`,
    `X-Slow: ${'a'.repeat(88)}\r\n\r\n`,
    100,
  );
  // A 100-byte body over ~20 s: several times the 3 s request limit.
  const body = `{${' '.repeat(98)}}`;
  const slowBody = trickle(
    [
      'POST / HTTP/1.1',
      `Host: ${host}`,
      'Connection: close',
      'Content-Type: application/x-amz-json-1.1',
      'X-Amz-Target: TrentService.ListKeys',
      `Content-Length: ${body.length}`,
      '',
      '',
    ].join('\r\n'),
    body,
    200,
  );

  let slowOnesOpen = 2;
  const cut = (trickled: Promise<Trickled>) => trickled.finally(() => slowOnesOpen--);
  const results = Promise.all([cut(slowHeaders), cut(slowBody)]);
  // A normal client alongside, answered while the slow ones are still connected.
  let answeredAlongside = 0;
  while (slowOnesOpen > 0) {
    const before = slowOnesOpen;
    const { Keys } = await gw.kms.send(new ListKeysCommand({}));
    expect(Keys).toBeDefined();
    if (before === 2 && slowOnesOpen === 2) answeredAlongside++;
    await new Promise((r) => setTimeout(r, 50));
  }
  const [headers, trickledBody] = await results;

  expect(answeredAlongside).toBeGreaterThan(0);
  expect(headers.response).toMatch(/^HTTP\/1\.1 408 /);
  expect(headers.unsent).toBeGreaterThan(0);
  expect(trickledBody.response).toMatch(/^HTTP\/1\.1 408 /);
  expect(trickledBody.unsent).toBeGreaterThan(0);
}, 60_000);
