// The audit trail through the real SDK: one line per key use or change, success and failure,
// with the SHA-256 of the message but never the message; GetKeyLastUsage answers from it, also
// after a restart (rebuilt from the file).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyLastUsageCommand,
  NotFoundException,
  ReEncryptCommand,
  SignCommand,
  UpdateAliasCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { startTestGateway, testTokenEnv, type TestGateway } from '../support/test-token';

const AUDIT_FILE = testTokenEnv().QKMS_AUDIT_FILE as string;
const KEY = { accessKeyId: 'QKMSAUDITKEY0001', secretAccessKey: 'audit-secret-0123456789' };
const CREDENTIALS = `principals:\n  auditor:\n    - accessKeyId: ${KEY.accessKeyId}\n      secretAccessKey: ${KEY.secretAccessKey}\n`;
const ENV = { QKMS_AUTH_MODE: 'sigv4', QKMS_CREDENTIALS: CREDENTIALS };

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ env: ENV, clientCredentials: KEY });
}, 60_000);
afterAll(() => t?.close());

function linesOf(requestId: string | undefined): Record<string, unknown>[] {
  return readFileSync(AUDIT_FILE, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.requestId === requestId);
}

/** The one line of a key use, or the outcome line of a key change. */
function auditLine(requestId: string | undefined): Record<string, unknown> {
  const found = linesOf(requestId).filter((l) => l.phase !== 'intent');
  expect(found).toHaveLength(1);
  return found[0] as Record<string, unknown>;
}

it('writes one line for a Sign with who, what, which key and the hash of the message only', async () => {
  const message = Buffer.from('a message that must never reach the audit trail');
  const out = await t.kms.send(
    new SignCommand({
      KeyId: demoAlias('ECC_NIST_P384'),
      Message: message,
      SigningAlgorithm: 'ECDSA_SHA_384',
    }),
  );
  const line = auditLine(out.$metadata.requestId);
  expect(line).toMatchObject({
    type: 'audit',
    principal: 'auditor',
    source: '127.0.0.1',
    operation: 'Sign',
    keyArn: out.KeyId,
    keyId: demoAlias('ECC_NIST_P384'),
    algorithm: 'ECDSA_SHA_384',
    messageType: 'RAW',
    messageSha256: createHash('sha256').update(message).digest('hex'),
    outcome: 'success',
  });
  expect(Date.parse(line.time as string)).not.toBeNaN();
  const text = readFileSync(AUDIT_FILE, 'utf8');
  expect(text).not.toContain(message.toString());
  expect(text).not.toContain(message.toString('base64'));
  expect(text).not.toContain(KEY.secretAccessKey);
});

it('writes a failure line with the exception name', async () => {
  let requestId: string | undefined;
  try {
    await t.kms.send(
      new SignCommand({
        KeyId: 'alias/no-such-key',
        Message: Buffer.from('x'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
  } catch (err) {
    expect(err).toBeInstanceOf(NotFoundException);
    requestId = (err as NotFoundException).$metadata.requestId;
  }
  expect(auditLine(requestId)).toMatchObject({
    operation: 'Sign',
    outcome: 'failure',
    error: 'NotFoundException',
    keyArn: null,
    keyId: 'alias/no-such-key',
  });
});

it('writes an intent line before a key change and its outcome line after', async () => {
  const out = await t.kms.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
  );
  const [intent, outcome, ...more] = linesOf(out.$metadata.requestId);
  expect(more).toEqual([]);
  expect(intent).toMatchObject({
    phase: 'intent',
    operation: 'CreateKey',
    principal: 'auditor',
    keyArn: out.KeyMetadata?.Arn,
    keyId: out.KeyMetadata?.KeyId,
  });
  expect(intent).not.toHaveProperty('outcome');
  expect(outcome).toMatchObject({
    operation: 'CreateKey',
    outcome: 'success',
    keyArn: out.KeyMetadata?.Arn,
    keyId: out.KeyMetadata?.KeyId,
  });
});

it('names the alias and its keys on alias lines, so the trail can rebuild alias history', async () => {
  const key = async () =>
    (await t.kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' })))
      .KeyMetadata?.KeyId as string;
  const [first, second] = [await key(), await key()];
  const name = `alias/audit-history-${Date.now()}`;
  const created = await t.kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: first }));
  const updated = await t.kms.send(
    new UpdateAliasCommand({ AliasName: name, TargetKeyId: second }),
  );
  const deleted = await t.kms.send(new DeleteAliasCommand({ AliasName: name }));
  const expectBoth = (requestId: string | undefined, detail: Record<string, unknown>) => {
    const lines = linesOf(requestId);
    expect(lines.map((l) => l.phase ?? l.outcome)).toEqual(['intent', 'success']);
    for (const line of lines) expect(line).toMatchObject({ aliasName: name, ...detail });
  };
  expectBoth(created.$metadata.requestId, { operation: 'CreateAlias', keyId: first });
  expectBoth(updated.$metadata.requestId, {
    operation: 'UpdateAlias',
    keyId: second,
    previousKeyId: first,
  });
  expectBoth(deleted.$metadata.requestId, { operation: 'DeleteAlias', keyId: second });
});

it('answers GetKeyLastUsage from the trail, also after a restart', async () => {
  const created = await t.kms.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
  );
  const keyId = created.KeyMetadata?.KeyId as string;
  const unused = await t.kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
  expect(unused.KeyLastUsage).toBeUndefined();
  expect(unused.KeyCreationDate).toEqual(created.KeyMetadata?.CreationDate);

  const signed = await t.kms.send(
    new SignCommand({
      KeyId: keyId,
      Message: Buffer.from('use me'),
      SigningAlgorithm: 'ECDSA_SHA_256',
    }),
  );
  await t.kms.send(
    new VerifyCommand({
      KeyId: keyId,
      Message: Buffer.from('use me'),
      SigningAlgorithm: 'ECDSA_SHA_256',
      Signature: signed.Signature,
    }),
  );
  const afterUse = await t.kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
  expect(afterUse.KeyLastUsage?.Operation).toBe('Verify');
  expect(afterUse.KeyId).toBe(created.KeyMetadata?.Arn);

  await t.close();
  t = await startTestGateway({ env: ENV, clientCredentials: KEY });
  const afterRestart = await t.kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
  expect(afterRestart.KeyLastUsage).toEqual(afterUse.KeyLastUsage);
  expect(afterRestart.TrackingStartDate?.getTime()).toBeLessThanOrEqual(
    Date.parse(created.KeyMetadata?.CreationDate?.toISOString() ?? ''),
  );
}, 60_000);

it('audits encryption without plaintexts or data keys, and counts ReEncrypt as a use of both keys', async () => {
  const source = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  const target = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  const plaintext = Buffer.from('plaintext that must never reach the audit trail');
  const sealed = await t.kms.send(new EncryptCommand({ KeyId: source, Plaintext: plaintext }));
  const dataKey = await t.kms.send(
    new GenerateDataKeyCommand({ KeyId: source, KeySpec: 'AES_256' }),
  );
  const again = await t.kms.send(
    new ReEncryptCommand({ CiphertextBlob: sealed.CiphertextBlob, DestinationKeyId: target }),
  );
  const trail = readFileSync(AUDIT_FILE, 'utf8');
  for (const secret of [plaintext, Buffer.from(dataKey.Plaintext as Uint8Array)]) {
    expect(trail).not.toContain(secret.toString('base64'));
    expect(trail).not.toContain(secret.toString('hex'));
  }
  expect(trail).not.toContain(plaintext.toString('utf8'));
  expect(auditLine(sealed.$metadata.requestId)).toMatchObject({
    operation: 'Encrypt',
    keyArn: sealed.KeyId,
    algorithm: 'SYMMETRIC_DEFAULT',
    outcome: 'success',
  });
  expect(auditLine(again.$metadata.requestId)).toMatchObject({
    operation: 'ReEncrypt',
    keyArn: again.KeyId,
    sourceKeyArn: again.SourceKeyId,
    outcome: 'success',
  });
  for (const keyId of [source, target]) {
    const last = await t.kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
    expect(last.KeyLastUsage).toMatchObject({
      Operation: 'ReEncrypt',
      KmsRequestId: again.$metadata.requestId,
    });
  }
});

it('names the key a ciphertext is under on the line of a Decrypt that failed without KeyId', async () => {
  const keyId = (await t.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  const sealed = await t.kms.send(
    new EncryptCommand({
      KeyId: keyId,
      Plaintext: Buffer.from('x'),
      EncryptionContext: { a: 'b' },
    }),
  );
  const err = await t.kms
    .send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }))
    .catch((e: unknown) => e as { name: string; $metadata: { requestId?: string } });
  expect((err as { name: string }).name).toBe('InvalidCiphertextException');
  expect(
    auditLine((err as { $metadata: { requestId?: string } }).$metadata.requestId),
  ).toMatchObject({
    operation: 'Decrypt',
    keyArn: sealed.KeyId,
    outcome: 'failure',
    error: 'InvalidCiphertextException',
  });
});
