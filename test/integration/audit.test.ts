// The audit trail through the real SDK: one line per key use or change, success and failure,
// with the SHA-256 of the message but never the message; GetKeyLastUsage answers from it, also
// after a restart (rebuilt from the file).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateKeyCommand,
  GetKeyLastUsageCommand,
  NotFoundException,
  SignCommand,
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

function auditLine(requestId: string | undefined): Record<string, unknown> {
  const lines = readFileSync(AUDIT_FILE, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const found = lines.filter((l) => l.requestId === requestId);
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

it('writes a line for a key change', async () => {
  const out = await t.kms.send(
    new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
  );
  expect(auditLine(out.$metadata.requestId)).toMatchObject({
    operation: 'CreateKey',
    outcome: 'success',
    keyArn: out.KeyMetadata?.Arn,
  });
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
