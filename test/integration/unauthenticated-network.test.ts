// auth.mode none answers only requests addressed to a loopback name: a browser page that DNS
// rebinding points at QKMS sends its own host name. The dev container's allowance
// (QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK) adds IP addresses, which a test reaches a published
// port by and which rebinding cannot forge, and still refuses every other name.

import { listKeysWithHost } from '../support/raw-requests';
import { startTestGateway, type TestGateway } from '../support/test-token';

/** ListKeys sent to `gateway` with the given Host header; the status and the error type. */
function listKeysAs(gateway: TestGateway, host: string) {
  return listKeysWithHost('127.0.0.1', Number(new URL(gateway.gateway.url).port), host);
}

interface Answer {
  readonly status: number;
  readonly type?: string;
}
const ok: Answer = { status: 200, type: undefined };
const refused: Answer = { status: 400, type: 'AccessDeniedException' };

// Host header → answer by default, answer with the dev allowance.
const HOSTS: [string, Answer, Answer][] = [
  ['localhost:8080', ok, ok],
  ['127.0.0.1:8080', ok, ok],
  ['[::1]:8080', ok, ok],
  ['172.17.0.1:32771', refused, ok],
  ['10.0.0.5', refused, ok],
  ['[fd00::5]:8080', refused, ok],
  ['attacker.example', refused, refused],
  ['127.0.0.1.attacker.example', refused, refused],
  ['999.1.1.1:8080', refused, refused],
];

// One gateway at a time: each closes the process's PKCS#11 module when it stops.
describe.each([
  ['by default', false, 1],
  ['with the dev allowance', true, 2],
] as const)('auth.mode none %s', (_, unauthenticatedNetwork, column) => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ unauthenticatedNetwork });
  });
  afterAll(() => gateway?.close());

  it.each(HOSTS.map((row) => [row[0], row[column]] as const))(
    'answers Host %s with %o',
    async (host, answer) => {
      expect(await listKeysAs(gateway, host)).toEqual(answer);
    },
  );
});
