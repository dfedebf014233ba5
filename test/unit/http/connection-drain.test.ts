// Draining a listener: connections already accepted get their answers, even one that sends its
// request only after shutdown began; answers while draining say Connection: close; the drain
// ends once every connection has been served and gone idle.

import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { trackConnections } from '../../../src/http/connection-drain';

let server: Server;
let port: number;
let tracker: ReturnType<typeof trackConnections>;

beforeEach(async () => {
  server = createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', '2']);
      res.end('ok');
    }, 50);
  });
  tracker = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => server.closeAllConnections());

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends one request on the socket; resolves with the whole response text. */
function ask(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (/\r\n\r\nok$/.test(text)) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
  });
}

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', resolve)));

it('answers a connection that sends its first request after the drain began', async () => {
  const socket = await open();
  await new Promise((r) => setTimeout(r, 20)); // accepted by the server, nothing sent yet
  const drained = tracker.drain(10_000);
  await new Promise((r) => setTimeout(r, 200)); // several sweeps pass
  const answer = await ask(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
  expect(answer).toMatch(/\r\nConnection: close\r\n/i);
  await closed(socket);
  await drained;
});

it('keeps serving a request in flight, closes the connection after it, then ends', async () => {
  const served = await open();
  expect(await ask(served)).toMatch(/Connection: keep-alive/i); // before the drain
  const busy = await open();
  const inFlight = ask(busy);
  await new Promise((r) => setTimeout(r, 10));
  const drained = tracker.drain(10_000);
  await closed(served); // idle after being served: closed at once
  expect(await inFlight).toMatch(/\r\nConnection: close\r\n/i);
  await closed(busy);
  await drained;
});

it('closes a connection that stays silent past the grace period', async () => {
  const silent = await open();
  await tracker.drain(10_000);
  await closed(silent);
  expect(silent.destroyed).toBe(true);
});
