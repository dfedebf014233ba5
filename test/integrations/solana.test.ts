// docs/integrations.md, Solana: @solana/keychain-aws-kms signs with the Ed25519 demo key
// through QKMS, reached only through AWS_ENDPOINT_URL_KMS (the library has no endpoint
// option). node:crypto checks every signature against GetPublicKey's SubjectPublicKeyInfo.

import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import {
  blockhash,
  getAddressEncoder,
  getBase64EncodedWireTransaction,
  getCompiledTransactionMessageDecoder,
  getSignatureFromTransaction,
  getBase58Encoder,
} from '@solana/kit';
import type { AwsKmsSigner } from '@solana/keychain-aws-kms';
import { demoAlias } from '../../src/cli/dev-token';
import type { TestGateway } from '../support/test-token';
import { qkmsClient } from './recipes/client';
import { signMemoTransaction, signText, solanaSigner } from './recipes/solana';
import { RECIPE_CREDENTIALS, startRecipeGateway } from './support/recipe-gateway';

const KEY = demoAlias('ECC_NIST_EDWARDS25519');
const LIFETIME = {
  blockhash: blockhash('4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi'),
  lastValidBlockHeight: 1000n,
};

let t: TestGateway;
let publicKey: KeyObject;
let rawPublicKey: Buffer;
let signer: AwsKmsSigner;
const endpointBefore = process.env.AWS_ENDPOINT_URL_KMS;

beforeAll(async () => {
  t = await startRecipeGateway();
  process.env.AWS_ENDPOINT_URL_KMS = t.gateway.url;
  const { PublicKey } = await t.kms.send(new GetPublicKeyCommand({ KeyId: KEY }));
  const spki = Buffer.from(PublicKey as Uint8Array);
  publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  expect(publicKey.asymmetricKeyType).toBe('ed25519');
  rawPublicKey = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
  signer = await solanaSigner(
    qkmsClient(t.gateway.url, RECIPE_CREDENTIALS),
    KEY,
    RECIPE_CREDENTIALS,
  );
}, 60_000);

afterAll(async () => {
  if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_KMS;
  else process.env.AWS_ENDPOINT_URL_KMS = endpointBefore;
  await t?.close();
});

test('the signer address is the public key of the HSM key', () => {
  expect(Buffer.from(getAddressEncoder().encode(signer.address))).toEqual(rawPublicKey);
});

test('the library finds the key usable through DescribeKey', async () => {
  await expect(signer.isAvailable()).resolves.toBe(true);
});

test('a text signature verifies as Ed25519 over the text', async () => {
  const text = 'Solana text signed in an HSM';
  const signature = await signText(signer, text);
  expect(signature).toHaveLength(64);
  const bytes = Buffer.from(text);
  expect(verify(null, bytes, publicKey, signature as Uint8Array)).toBe(true);
  expect(verify(null, Buffer.from(`${text}!`), publicKey, signature as Uint8Array)).toBe(false);
});

test('a memo transaction is paid for and signed by the HSM key', async () => {
  const transaction = await signMemoTransaction(signer, LIFETIME, 'paid by QKMS');
  const compiled = getCompiledTransactionMessageDecoder().decode(transaction.messageBytes);
  expect(compiled.staticAccounts[0]).toBe(signer.address);
  expect(compiled.lifetimeToken).toBe(LIFETIME.blockhash);
  const signature = transaction.signatures[signer.address];
  expect(signature).toBeDefined();
  const message = Buffer.from(transaction.messageBytes);
  expect(verify(null, message, publicKey, signature as Uint8Array)).toBe(true);
  // The transaction id is its first signature, base58; the wire form carries the same bytes.
  expect(Buffer.from(getBase58Encoder().encode(getSignatureFromTransaction(transaction)))).toEqual(
    Buffer.from(signature as Uint8Array),
  );
  const wire = Buffer.from(getBase64EncodedWireTransaction(transaction), 'base64');
  expect(wire.subarray(1, 65)).toEqual(Buffer.from(signature as Uint8Array));
  expect(wire.subarray(65)).toEqual(message);
});
