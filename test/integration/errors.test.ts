// Every error case of DESIGN §2, through the real SDK's typed exceptions where the SDK has a
// class, asserting the exception name, the message and the HTTP status. The daemon must still
// sign afterwards.

import { request } from 'node:http';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisabledException,
  DryRunOperationException,
  InvalidKeyUsageException,
  KMSInvalidSignatureException,
  KMSInvalidStateException,
  NotFoundException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  VerifyCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { failure } from '../support/failure';
import { startTestGateway, type TestGateway } from '../support/test-token';
import { postKms, tamperingClient } from '../support/raw-requests';

let t: TestGateway;
let p256KeyId: string;
const ARN_PREFIX = 'arn:aws:kms:us-east-1:111122223333';
const DISABLED_KEY = '0c3c1a52-7d1e-4c55-9d3e-6d7b5a0e1f21';

/** A Sign of a 64-byte DIGEST with the demo Ed25519 key. */
const ed25519DigestSign = (algorithm: 'ED25519_SHA_512' | 'ED25519_PH_SHA_512') =>
  t.kms.send(
    new SignCommand({
      KeyId: demoAlias('ECC_NIST_EDWARDS25519'),
      Message: Buffer.alloc(64, 7),
      MessageType: 'DIGEST',
      SigningAlgorithm: algorithm,
    }),
  );

const signInput = (overrides: Partial<SignCommandInput> = {}): SignCommandInput => ({
  KeyId: demoAlias('ECC_NIST_P256'),
  Message: Buffer.from('hello'),
  SigningAlgorithm: 'ECDSA_SHA_256',
  ...overrides,
});

beforeAll(async () => {
  // Learn the demo P-256 key's id, then restart with a disabled copy of it adopted by label.
  const first = await startTestGateway();
  p256KeyId = first.gateway.catalog.resolve(demoAlias('ECC_NIST_P256')).record.keyId;
  await first.close();
  t = await startTestGateway({
    keys: [
      {
        keyId: DISABLED_KEY,
        label: p256KeyId,
        description: 'disabled copy',
        aliases: ['alias/test-disabled'],
        enabled: false,
      },
    ],
  });
}, 60_000);

afterAll(() => t?.close());

describe('key references', () => {
  it('answers NotFoundException for an unknown key id', async () => {
    const err = await failure(
      t.kms.send(new SignCommand(signInput({ KeyId: '11111111-2222-3333-4444-555555555555' }))),
    );
    expect(err).toBeInstanceOf(NotFoundException);
    expect(err.message).toBe(
      `Key '${ARN_PREFIX}:key/11111111-2222-3333-4444-555555555555' does not exist`,
    );
    expect(err.$metadata.httpStatusCode).toBe(400);
  });

  it('answers NotFoundException for an unknown alias and alias ARN', async () => {
    for (const keyId of ['alias/nope', `${ARN_PREFIX}:alias/nope`]) {
      const err = await failure(t.kms.send(new SignCommand(signInput({ KeyId: keyId }))));
      expect(err).toBeInstanceOf(NotFoundException);
      expect(err.message).toBe(`Alias '${ARN_PREFIX}:alias/nope' is not found.`);
    }
  });

  it('answers NotFoundException for a malformed key id and for another account', async () => {
    const bad = await failure(t.kms.send(new SignCommand(signInput({ KeyId: 'not-a-key' }))));
    expect(bad).toBeInstanceOf(NotFoundException);
    expect(bad.message).toBe("Invalid keyId 'not-a-key'");
    const foreign = `arn:aws:kms:us-east-1:999999999999:key/${p256KeyId}`;
    const other = await failure(t.kms.send(new SignCommand(signInput({ KeyId: foreign }))));
    expect(other).toBeInstanceOf(NotFoundException);
    expect(other.message).toBe(`Key '${foreign}' does not exist`);
  });

  it('accepts the key id, key ARN, alias and alias ARN alike', async () => {
    for (const keyId of [
      p256KeyId,
      `${ARN_PREFIX}:key/${p256KeyId}`,
      demoAlias('ECC_NIST_P256'),
      `${ARN_PREFIX}:${demoAlias('ECC_NIST_P256')}`,
    ]) {
      const out = await t.kms.send(new SignCommand(signInput({ KeyId: keyId })));
      expect(out.KeyId).toBe(`${ARN_PREFIX}:key/${p256KeyId}`);
    }
  });
});

describe('validation', () => {
  it('refuses an algorithm the key spec does not allow with InvalidKeyUsageException', async () => {
    const err = await failure(
      t.kms.send(new SignCommand(signInput({ SigningAlgorithm: 'RSASSA_PSS_SHA_256' }))),
    );
    expect(err).toBeInstanceOf(InvalidKeyUsageException);
    expect(err.message).toBe(
      'Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256. Valid algorithms: ECDSA_SHA_256.',
    );
  });

  it('refuses empty and 4097-byte messages with AWS validation messages', async () => {
    const empty = await failure(
      t.kms.send(new SignCommand(signInput({ Message: Buffer.alloc(0) }))),
    );
    expect(empty.name).toBe('ValidationException');
    expect(empty.message).toBe(
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const big = await failure(
      t.kms.send(new SignCommand(signInput({ Message: Buffer.alloc(4097, 1) }))),
    );
    expect(big.name).toBe('ValidationException');
    expect(big.message).toBe(
      "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
    expect(big.$metadata.httpStatusCode).toBe(400);
  });

  it('accepts a 4096-byte message', async () => {
    const out = await t.kms.send(new SignCommand(signInput({ Message: Buffer.alloc(4096, 1) })));
    expect(out.Signature?.length).toBeGreaterThan(60);
  });

  it('refuses a DIGEST of the wrong length', async () => {
    const err = await failure(
      t.kms.send(new SignCommand(signInput({ MessageType: 'DIGEST', Message: Buffer.alloc(31) }))),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe('Digest is invalid length for algorithm ECDSA_SHA_256.');
  });

  it('refuses more than ten grant tokens', async () => {
    const err = await failure(
      t.kms.send(
        new SignCommand(signInput({ GrantTokens: Array.from({ length: 11 }, (_, i) => `g${i}`) })),
      ),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(
      /^1 validation error detected: Value '\[g0, .*g10\]' at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
  });

  it('lists every violation at once', async () => {
    const err = await failure(
      t.kms.send(
        new SignCommand({
          KeyId: undefined,
          Message: Buffer.alloc(5000),
          SigningAlgorithm: 'NOPE',
        } as unknown as SignCommandInput),
      ),
    );
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(
      /^3 validation errors detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null; Value at 'message' .*; Value 'NOPE' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: \[RSASSA_PSS_SHA_256, /,
    );
  });

  it('refuses bad base64 with SerializationException', async () => {
    const client = tamperingClient(t.gateway.url, (req) => {
      req.body = JSON.stringify({
        KeyId: demoAlias('ECC_NIST_P256'),
        Message: 'aGVsbG8*!',
        SigningAlgorithm: 'ECDSA_SHA_256',
      });
    });
    const err = await failure(client.send(new SignCommand(signInput())));
    expect(err.name).toBe('SerializationException');
    expect(err.message).toBe("Member 'Message' is not valid base64.");
    client.destroy();
  });

  it('refuses malformed JSON with SerializationException', async () => {
    const client = tamperingClient(t.gateway.url, (req) => {
      req.body = '{"KeyId": ';
    });
    const err = await failure(client.send(new SignCommand(signInput())));
    expect(err.name).toBe('SerializationException');
    expect(err.message).toBe('The request body is not valid JSON.');
    client.destroy();
  });

  it('refuses a member of the wrong JSON type with SerializationException', async () => {
    const res = await postKms(
      t.gateway.url,
      'TrentService.Sign',
      JSON.stringify({ KeyId: 12, Message: 'aGk=', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: 'SerializationException',
      message: "Member 'KeyId' must be a string.",
    });
  });

  it('answers UnknownOperationException for an unknown target', async () => {
    const client = tamperingClient(t.gateway.url, (req) => {
      req.headers['x-amz-target'] = 'TrentService.SignEverything';
    });
    const err = await failure(client.send(new SignCommand(signInput())));
    expect(err.name).toBe('UnknownOperationException');
    expect(err.message).toBe('The requested operation is not recognized.');
    client.destroy();
  });

  it('answers UnsupportedOperationException for KMS operations QKMS does not serve', async () => {
    const err = await failure(
      t.kms.send(
        new CreateGrantCommand({
          KeyId: demoAlias('ECC_NIST_P256'),
          GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
          Operations: ['Sign'],
        }),
      ),
    );
    expect(err.name).toBe('UnsupportedOperationException');
    expect(err.message).toBe('QKMS does not serve CreateGrant (see docs/compatibility.md).');
  });

  it('refuses oversized bodies and foreign content types before parsing', async () => {
    const big = await postKms(
      t.gateway.url,
      'TrentService.Sign',
      JSON.stringify({ pad: 'x'.repeat(70_000) }),
    );
    expect(big.status).toBe(413);
    expect(big.json.__type).toBe('RequestEntityTooLargeException');
    const text = await postKms(t.gateway.url, 'TrentService.Sign', '{}', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(400);
    expect(text.json.__type).toBe('SerializationException');
  });

  it('ignores __proto__ members instead of letting them reach any prototype', async () => {
    const body = `{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "KeyId": "${demoAlias('ECC_NIST_P256')}", "Message": "aGk=", "SigningAlgorithm": "ECDSA_SHA_256"}`;
    const res = await postKms(t.gateway.url, 'TrentService.Sign', body);
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses requests addressed to a non-loopback host name (DNS rebinding) while unauthenticated', async () => {
    const { port } = new URL(t.gateway.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          headers: {
            host: 'attacker.example',
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'TrentService.ListKeys',
          },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      __type: 'AccessDeniedException',
      message:
        'Without authentication QKMS only answers requests addressed to a loopback host name.',
    });
  });

  it('sends the error type and a request id as headers', async () => {
    const res = await postKms(
      t.gateway.url,
      'TrentService.DescribeKey',
      JSON.stringify({ KeyId: 'alias/nope' }),
    );
    expect(res.headers.get('x-amzn-errortype')).toBe('NotFoundException');
    expect(res.headers.get('x-amzn-requestid')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('key states and capabilities', () => {
  it('refuses a disabled key with DisabledException but still describes it', async () => {
    const err = await failure(
      t.kms.send(new SignCommand(signInput({ KeyId: 'alias/test-disabled' }))),
    );
    expect(err).toBeInstanceOf(DisabledException);
    expect(err.message).toBe(`${ARN_PREFIX}:key/${DISABLED_KEY} is disabled.`);
    const out = await t.kms.send(new DescribeKeyCommand({ KeyId: DISABLED_KEY }));
    expect(out.KeyMetadata?.KeyState).toBe('Disabled');
    expect(out.KeyMetadata?.Enabled).toBe(false);
    expect(out.KeyMetadata?.Origin).toBe('EXTERNAL');
  });

  it('refuses a key pending deletion with KMSInvalidStateException', async () => {
    const created = await t.kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    const entry = t.gateway.catalog.resolve(created.KeyMetadata?.KeyId ?? '');
    const scheduled = await t.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: entry.record.keyId, PendingWindowInDays: 30 }),
    );
    const pending = { deletionDate: (scheduled.DeletionDate?.getTime() ?? 0) / 1000 };
    const err = await failure(
      t.kms.send(new SignCommand(signInput({ KeyId: entry.record.keyId }))),
    );
    expect(err).toBeInstanceOf(KMSInvalidStateException);
    expect(err.message).toBe(`${entry.arn} is pending deletion.`);
    const out = await t.kms.send(new DescribeKeyCommand({ KeyId: entry.record.keyId }));
    expect(out.KeyMetadata?.KeyState).toBe('PendingDeletion');
    expect(out.KeyMetadata?.DeletionDate?.getTime()).toBe(pending.deletionDate * 1000);
  });

  it('refuses ED25519_PH_SHA_512 on a token that failed its known-answer check, never signing wrongly', async () => {
    const cap = t.gateway.capabilities.algorithm('ED25519_PH_SHA_512');
    expect(cap.ok).toBe(false);
    const err = await failure(ed25519DigestSign('ED25519_PH_SHA_512'));
    expect(err.name).toBe('UnsupportedOperationException');
    expect(err.message).toBe(
      "ED25519_PH_SHA_512 is not available on this gateway's HSM: the token's mechanism 0x1057 failed the known-answer check for ED25519_PH_SHA_512.",
    );
    const described = await t.kms.send(
      new DescribeKeyCommand({ KeyId: demoAlias('ECC_NIST_EDWARDS25519') }),
    );
    expect(described.KeyMetadata?.SigningAlgorithms).toEqual(['ED25519_SHA_512']);
  });

  it('answers a request invalid in itself with ValidationException, even for an algorithm this HSM cannot run', async () => {
    const send = (MessageType: 'RAW' | 'DIGEST', Message: Buffer) =>
      failure(
        t.kms.send(
          new SignCommand({
            KeyId: demoAlias('ECC_NIST_EDWARDS25519'),
            Message,
            MessageType,
            SigningAlgorithm: 'ED25519_PH_SHA_512',
          }),
        ),
      );
    const raw = await send('RAW', Buffer.from('a message'));
    expect([raw.name, raw.message]).toEqual([
      'ValidationException',
      'MessageType RAW is not valid for ED25519_PH_SHA_512. Valid message types: DIGEST.',
    ]);
    const short = await send('DIGEST', Buffer.alloc(32, 1));
    expect([short.name, short.message]).toEqual([
      'ValidationException',
      'Digest is invalid length for algorithm ED25519_PH_SHA_512.',
    ]);
  });

  it('refuses ED25519_SHA_512 over a DIGEST: pure Ed25519 signs the message itself', async () => {
    const err = await failure(ed25519DigestSign('ED25519_SHA_512'));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      'MessageType DIGEST is not valid for ED25519_SHA_512. Valid message types: RAW.',
    );
  });

  it('names the missing token capability for SM2DSA and ML-DSA', () => {
    const sm2 = t.gateway.capabilities.algorithm('SM2DSA');
    const mldsa = t.gateway.capabilities.keySpec('ML_DSA_65');
    expect(sm2).toEqual({
      ok: false,
      reason: 'this algorithm needs a token with a vendor SM2 mechanism configured',
    });
    expect(mldsa).toEqual({
      ok: false,
      reason: 'this algorithm needs a PKCS#11 3.2 token with CKM_ML_DSA',
    });
  });

  it('answers DryRunOperationException after all checks pass, without signing', async () => {
    const err = await failure(t.kms.send(new SignCommand(signInput({ DryRun: true }))));
    expect(err).toBeInstanceOf(DryRunOperationException);
    expect(err.$metadata.httpStatusCode).toBe(412);
    const invalid = await failure(
      t.kms.send(new SignCommand(signInput({ DryRun: true, KeyId: 'alias/nope' }))),
    );
    expect(invalid).toBeInstanceOf(NotFoundException);
  });

  it('refuses a non-DER ECDSA signature at Verify with KMSInvalidSignatureException', async () => {
    const signed = await t.kms.send(new SignCommand(signInput()));
    const der = Buffer.from(signed.Signature as Uint8Array);
    const withTrailingByte = Buffer.concat([der, Buffer.from([0])]);
    const err = await failure(
      t.kms.send(new VerifyCommand({ ...signInput(), Signature: withTrailingByte })),
    );
    expect(err).toBeInstanceOf(KMSInvalidSignatureException);
  });

  it('still signs after all of the above', async () => {
    const out = await t.kms.send(new SignCommand(signInput()));
    expect(out.SigningAlgorithm).toBe('ECDSA_SHA_256');
  });
});

describe('limits', () => {
  it('refuses JSON nested deeper than ten levels', async () => {
    const deep = `{"KeyId":"x","Message":"aGk=","SigningAlgorithm":"ECDSA_SHA_256","x":${'['.repeat(20)}${']'.repeat(20)}}`;
    const res = await postKms(t.gateway.url, 'TrentService.Sign', deep);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: 'SerializationException',
      message: 'The request body nests deeper than 10 levels.',
    });
  });

  it('refuses requests with more than a hundred headers', async () => {
    const headers = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`x-pad-${i}`, 'v']));
    const res = await postKms(t.gateway.url, 'TrentService.ListKeys', '{}', headers);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: 'SerializationException',
      message: 'A request may carry at most 100 headers.',
    });
  });
});
