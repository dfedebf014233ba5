// No key change without its audit line, and answers that match what happened, with the audit
// file on a "full disk": the daemon runs under ulimit -f, so the kernel refuses writes past a
// size (EFBIG) exactly where a full file system would refuse them (ENOSPC). The trail is padded
// so that one CreateKey's intent line still fits and its outcome line does not; after that,
// every change must be refused with KMSInternalException and leave the token as it was, which
// a restart without the limit and a direct look at the token's key objects confirm.

import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
  KMSInternalException,
  ListAliasesCommand,
  ListResourceTagsCommand,
  SignCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { daemonKms, freePort } from '../support/daemon';
import {
  killEveryQkms,
  makeThrowawayToken,
  spawnQkms,
  tokenEnv,
  waitReady,
  type QkmsProcess,
  type ThrowawayToken,
} from '../support/metadata-harness';
import { scanKeyObjects } from '../support/metadata-token-scan';

const REFUSED =
  'The audit trail could not be written, so the change was not made. Retry when the audit file can be written again.';

let token: ThrowawayToken;
let auditFile: string;
let env: Record<string, string>;
let ports: { api: number; metrics: number };

async function start(fileSizeBlocks?: number): Promise<{ proc: QkmsProcess; kms: KMSClient }> {
  const proc = spawnQkms(['serve'], env, fileSizeBlocks ? { fileSizeBlocks } : {});
  await waitReady(proc, ports.metrics);
  return { proc, kms: daemonKms(`http://127.0.0.1:${ports.api}`) };
}

const createP256 = (kms: KMSClient) =>
  kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));

const linesOf = (requestId: string | undefined): Record<string, unknown>[] =>
  readFileSync(auditFile, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        return parsed.requestId === requestId ? [parsed] : [];
      } catch {
        return [];
      }
    });

async function refused(attempt: Promise<unknown>): Promise<void> {
  const err = await attempt.then(
    () => new Error('the change was answered 200'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KMSInternalException);
  expect((err as Error).message).toBe(REFUSED);
}

beforeAll(() => {
  token = makeThrowawayToken('qkms-audit-full');
  auditFile = join(token.dir, 'audit.log');
});
afterAll(async () => {
  await killEveryQkms();
  token?.remove();
});

it('makes no key change it cannot audit, and tells the truth about the ones it made', async () => {
  ports = { api: await freePort(), metrics: await freePort() };
  env = tokenEnv(token, ports, { QKMS_AUDIT_FILE: auditFile });

  // 1. A normal run: a key to change later, and the size of one CreateKey's two lines.
  let daemon = await start();
  const key = (await createP256(daemon.kms)).KeyMetadata?.KeyId as string;
  const probe = await createP256(daemon.kms);
  const [intent, outcome] = linesOf(probe.$metadata.requestId).map((l) =>
    Buffer.byteLength(`${JSON.stringify(l)}\n`),
  );
  await daemon.proc.stop();
  daemon.kms.destroy();

  // 2. Pad the trail so that the next intent line fits under the limit and its outcome does not.
  const blocks = Math.ceil((statSync(auditFile).size + 4096) / 1024);
  const room = (intent as number) + Math.floor((outcome as number) / 2);
  const padding = blocks * 1024 - room - statSync(auditFile).size;
  appendFileSync(auditFile, `${'#'.repeat(padding - 1)}\n`);
  daemon = await start(blocks);
  const objectsBefore = (await scanKeyObjects(token)).length;

  // The intent is in the file, so the key is made, and the answer says so.
  const made = await createP256(daemon.kms);
  const madeId = made.KeyMetadata?.KeyId as string;
  expect(linesOf(made.$metadata.requestId)).toEqual([
    expect.objectContaining({ phase: 'intent', operation: 'CreateKey', keyId: madeId }),
  ]);
  const described = await daemon.kms.send(new DescribeKeyCommand({ KeyId: madeId }));
  expect(described.KeyMetadata?.KeyState).toBe('Enabled');
  expect((await scanKeyObjects(token)).length).toBe(objectsBefore + 2);

  // 3. The trail is full: every change is refused and nothing changes.
  await refused(
    daemon.kms.send(new TagResourceCommand({ KeyId: key, Tags: [{ TagKey: 'k', TagValue: 'v' }] })),
  );
  await refused(createP256(daemon.kms));
  await refused(
    daemon.kms.send(new CreateAliasCommand({ AliasName: 'alias/unaudited', TargetKeyId: key })),
  );
  await refused(
    daemon.kms.send(new UpdateKeyDescriptionCommand({ KeyId: key, Description: 'unaudited' })),
  );
  await refused(daemon.kms.send(new DisableKeyCommand({ KeyId: key })));
  // A use is not answered without its line either.
  const sign = await daemon.kms
    .send(
      new SignCommand({ KeyId: key, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }),
    )
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(sign).toBeInstanceOf(KMSInternalException);
  expect((await scanKeyObjects(token)).length).toBe(objectsBefore + 2);
  await daemon.proc.stop();
  daemon.kms.destroy();

  // 4. Restarted with room again: the state is what the answers said, and the trail reads on.
  daemon = await start();
  const tags = await daemon.kms.send(new ListResourceTagsCommand({ KeyId: key }));
  expect(tags.Tags).toEqual([]);
  const after = await daemon.kms.send(new DescribeKeyCommand({ KeyId: key }));
  expect(after.KeyMetadata).toMatchObject({ KeyState: 'Enabled', Description: '' });
  const aliases = await daemon.kms.send(new ListAliasesCommand({}));
  expect(aliases.Aliases ?? []).toEqual([]);
  const next = await createP256(daemon.kms);
  expect(linesOf(next.$metadata.requestId).map((l) => l.phase ?? l.outcome)).toEqual([
    'intent',
    'success',
  ]);
  await daemon.proc.stop();
  daemon.kms.destroy();
}, 180_000);
