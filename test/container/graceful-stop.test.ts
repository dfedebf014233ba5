// `docker stop` in the middle of a bounded signing load: every request the gateway accepted is
// answered with a signature node:crypto verifies, and the container exits 0. A request that
// failed either never got a connection (refused, unreachable) or was reset before the gateway
// read it; the audit trail (stdout) proves the latter: it holds exactly one successful Sign
// per signature the clients received, so nothing was signed and then lost.
//
// The load goes to the container's own address on the bridge network, not through the
// published port: docker-proxy accepts connections on behalf of a container that no longer
// listens and then drops them, which would make "refused at connect" look like "cut off".
// One fresh connection per request, so a closing keep-alive socket cannot blur it either.

import { Agent } from 'node:http';
import { createPublicKey, verify } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { getContainerRuntimeClient } from 'testcontainers';
import type { StartedQkmsContainer } from '../../src/testcontainers';
import {
  API_PORT,
  containerLog,
  containerState,
  createVolume,
  describeWithEngine,
  tearDown,
  startQkms,
} from './qkms-container';

const WORKERS = 8;
const REQUESTS_PER_WORKER = 200; // the bound: at most 1600 requests
const STOP_AFTER_ANSWERS = 3 * WORKERS;

/**
 * Network-level failures only: refused, reset or unreachable while connecting, or a connection
 * reset before any answer (Node's server closes connections that have not delivered a request
 * yet, and the kernel resets those still queued when the listener closes). A KMS error would
 * mean an accepted request. The SDK re-wraps errors from Node's realm (jest runs tests in a vm
 * context), so the original name and message survive only in the text.
 */
function transportFailure(err: unknown): boolean {
  const text = String(err);
  if (/Exception\b/.test((err as { name?: string }).name ?? '')) return false;
  return (
    /connect (ECONNREFUSED|ECONNRESET|EHOSTUNREACH)\b/.test(text) ||
    /read ECONNRESET\b|socket hang up/.test(text) ||
    /did not establish a connection/.test(text)
  );
}

/** Successful and failed Sign lines of the container's audit trail (JSON lines on stdout). */
async function auditedSigns(id: string): Promise<{ success: number; failure: number }> {
  const text = await containerLog(id, { stderr: false });
  const counts = { success: 0, failure: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"type":"audit"')) continue;
    const event = JSON.parse(line) as { operation: string; outcome: 'success' | 'failure' };
    if (event.operation === 'Sign') counts[event.outcome]++;
  }
  return counts;
}

describeWithEngine('docker stop under load', () => {
  let volume: string;
  let container: StartedQkmsContainer;
  let kms: KMSClient;

  beforeAll(async () => {
    volume = await createVolume();
    container = await startQkms(volume);
    const client = await getContainerRuntimeClient();
    const info = await client.container.dockerode.getContainer(container.getId()).inspect();
    const address = Object.values(info.NetworkSettings.Networks)[0]?.IPAddress;
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    kms = container.client({
      endpoint: `http://${address}:${API_PORT}`,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        httpAgent: new Agent({ keepAlive: false }),
        connectionTimeout: 5_000,
      }),
    });
  }, 240_000);

  afterAll(() => tearDown(kms, container, volume), 60_000);

  it('answers every accepted request with a valid signature, then exits 0', async () => {
    const keyId = 'alias/demo-ecc-nist-p256';
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    const publicKey = createPublicKey({
      key: Buffer.from(PublicKey as Uint8Array),
      format: 'der',
      type: 'spki',
    });
    const message = Buffer.from('drain me in a container');

    const signatures: Buffer[] = [];
    const failures: unknown[] = [];
    let stopping: Promise<unknown> | undefined;
    const worker = async (): Promise<void> => {
      for (let i = 0; i < REQUESTS_PER_WORKER; i++) {
        try {
          const { Signature } = await kms.send(
            new SignCommand({ KeyId: keyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
          );
          signatures.push(Buffer.from(Signature as Uint8Array));
        } catch (err) {
          failures.push(err);
          return; // this worker's connections are refused from now on
        }
        if (signatures.length === STOP_AFTER_ANSWERS) {
          stopping = container.stop({ timeout: 30_000, remove: false });
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    expect(stopping).toBeDefined();
    await stopping;

    expect(await containerState(container)).toEqual({ running: false, exitCode: 0 });
    expect(signatures.length).toBeGreaterThanOrEqual(STOP_AFTER_ANSWERS);
    for (const signature of signatures) {
      expect(verify('sha256', message, publicKey, signature)).toBe(true);
    }
    // The stop came mid-load: workers were still sending when the listener went away.
    expect(failures.length).toBeGreaterThan(0);
    for (const err of failures) {
      expect({ err: String(err), transport: transportFailure(err) }).toEqual({
        err: String(err),
        transport: true,
      });
    }
    expect(await auditedSigns(container.getId())).toEqual({
      success: signatures.length,
      failure: 0,
    });
  }, 180_000);
});
