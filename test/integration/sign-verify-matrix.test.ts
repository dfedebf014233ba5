// Every demo key spec × every algorithm the spec allows × every message type the algorithm
// accepts: sign through the real AWS SDK, check the signature with node:crypto and openssl
// against the public key from GetPublicKey, then Verify through QKMS (good and tampered).

import { createHash } from 'node:crypto';
import {
  GetPublicKeyCommand,
  KMSInvalidSignatureException,
  SignCommand,
  VerifyCommand,
  type MessageType,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { demoAlias } from '../../src/cli/dev-token';
import { KEY_SPEC_TABLE, KEY_SPECS } from '../../src/crypto/key-specs';
import { SIGNING_ALGORITHM_TABLE } from '../../src/crypto/signing-algorithms';
import { startTestGateway, type TestGateway } from '../support/test-token';
import { nodeVerifies, opensslVerifies } from '../support/verify-independently';

const HASH_FOR_DIGEST: Record<number, string> = { 32: 'sha256', 48: 'sha384', 64: 'sha512' };

// The matrix SoftHSM can serve. ED25519_PH_SHA_512 is left out on purpose: SoftHSM ignores the
// prehash flag, and errors.test.ts checks QKMS refuses it rather than returning a wrong signature.
const CASES = KEY_SPECS.filter(
  (spec) => KEY_SPEC_TABLE[spec].generation.kind !== 'unavailable',
).flatMap((spec) =>
  KEY_SPEC_TABLE[spec].signingAlgorithms
    .filter((algorithm) => algorithm !== 'ED25519_PH_SHA_512')
    .flatMap((algorithm) =>
      SIGNING_ALGORITHM_TABLE[algorithm].messageTypes
        .filter((t) => t !== 'EXTERNAL_MU')
        .map((messageType) => ({ spec, algorithm, messageType })),
    ),
);

let t: TestGateway;
const publicKeys = new Map<string, Buffer>();

beforeAll(async () => {
  t = await startTestGateway();
  for (const spec of new Set(CASES.map((c) => c.spec))) {
    const out = await t.kms.send(new GetPublicKeyCommand({ KeyId: demoAlias(spec) }));
    publicKeys.set(spec, Buffer.from(out.PublicKey as Uint8Array));
  }
}, 60_000);

afterAll(() => t?.close());

describe.each(CASES)(
  '$spec with $algorithm over a $messageType message',
  ({ spec, algorithm, messageType }) => {
    const message = Buffer.from(`QKMS matrix test: ${spec} ${algorithm} ${messageType}`);
    const entry = SIGNING_ALGORITHM_TABLE[algorithm];
    const sent =
      messageType === 'DIGEST'
        ? createHash(HASH_FOR_DIGEST[entry.digestLength as number] as string)
            .update(message)
            .digest()
        : message;
    let signature: Buffer;

    beforeAll(async () => {
      const out = await t.kms.send(
        new SignCommand({
          KeyId: demoAlias(spec),
          Message: sent,
          MessageType: messageType as MessageType,
          SigningAlgorithm: algorithm as SigningAlgorithmSpec,
        }),
      );
      expect(out.SigningAlgorithm).toBe(algorithm);
      expect(out.KeyId).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f-]{36}$/);
      signature = Buffer.from(out.Signature as Uint8Array);
    });

    it('produces a signature node:crypto accepts for the original message', () => {
      expect(nodeVerifies(algorithm, publicKeys.get(spec) as Buffer, message, signature)).toBe(
        true,
      );
    });

    it('produces a signature openssl accepts for the original message', () => {
      expect(opensslVerifies(algorithm, publicKeys.get(spec) as Buffer, message, signature)).toBe(
        true,
      );
    });

    it('verifies through QKMS, also with the other message type where the algorithm has one', async () => {
      for (const type of entry.messageTypes.filter((x) => x !== 'EXTERNAL_MU')) {
        const input =
          type === messageType
            ? sent
            : type === 'RAW'
              ? message
              : createHash(HASH_FOR_DIGEST[entry.digestLength as number] as string)
                  .update(message)
                  .digest();
        const out = await t.kms.send(
          new VerifyCommand({
            KeyId: demoAlias(spec),
            Message: input,
            MessageType: type as MessageType,
            Signature: signature,
            SigningAlgorithm: algorithm as SigningAlgorithmSpec,
          }),
        );
        expect(out.SignatureValid).toBe(true);
      }
    });

    it('refuses a tampered message and a tampered signature with KMSInvalidSignatureException', async () => {
      const badMessage = Buffer.from(sent);
      badMessage[0] = (badMessage[0] as number) ^ 0x01;
      const badSignature = Buffer.from(signature);
      badSignature[badSignature.length - 1] =
        (badSignature[badSignature.length - 1] as number) ^ 0x01;
      for (const [m, s] of [
        [badMessage, signature],
        [sent, badSignature],
      ] as const) {
        const attempt = t.kms.send(
          new VerifyCommand({
            KeyId: demoAlias(spec),
            Message: m,
            MessageType: messageType as MessageType,
            Signature: s,
            SigningAlgorithm: algorithm as SigningAlgorithmSpec,
          }),
        );
        await expect(attempt).rejects.toBeInstanceOf(KMSInvalidSignatureException);
      }
    });
  },
);
