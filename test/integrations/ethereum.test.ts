// docs/integrations.md, Ethereum: @rumblefishdev/eth-signer-kms with ethers v6 signs through
// QKMS; ethers recovers the signer from each signature, and the result must be the address
// derived here, without the library, from GetPublicKey's SubjectPublicKeyInfo.

import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand } from '@aws-sdk/client-kms';
import {
  computeAddress,
  JsonRpcProvider,
  Signature,
  Transaction,
  verifyMessage,
  verifyTypedData,
} from 'ethers';
import { demoAlias } from '../../src/cli/dev-token';
import type { TestGateway } from '../support/test-token';
import { qkmsClient } from './recipes/client';
import { ORDER, signWithQkms } from './recipes/ethereum';
import { RECIPE_CREDENTIALS, startRecipeGateway } from './support/recipe-gateway';

const KEY = demoAlias('ECC_SECG_P256K1');
// Ethereum accepts only s in the lower half of the group order (EIP-2).
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

let t: TestGateway;
let provider: JsonRpcProvider;
let expected: string;
let signed: Awaited<ReturnType<typeof signWithQkms>>;

beforeAll(async () => {
  t = await startRecipeGateway();
  const { PublicKey } = await t.kms.send(new GetPublicKeyCommand({ KeyId: KEY }));
  const jwk = createPublicKey({
    key: Buffer.from(PublicKey as Uint8Array),
    format: 'der',
    type: 'spki',
  }).export({ format: 'jwk' });
  expect(jwk.crv).toBe('secp256k1');
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  expected = computeAddress(`0x${point.toString('hex')}`);
  // Signing needs no chain: nothing listens on this port, so any call to it would fail the test.
  provider = new JsonRpcProvider('http://127.0.0.1:9', 11155111, { staticNetwork: true });
  signed = await signWithQkms(qkmsClient(t.gateway.url, RECIPE_CREDENTIALS), KEY, provider);
}, 60_000);

afterAll(async () => {
  provider?.destroy();
  await t?.close();
});

const lowS = (serialized: string) => BigInt(Signature.from(serialized).s) <= SECP256K1_HALF_N;

test('the signer reports the address derived from the public key in the HSM', () => {
  expect(signed.address).toBe(expected);
});

test('a personal_sign message recovers to that address', () => {
  expect(verifyMessage(signed.message, signed.messageSignature)).toBe(expected);
  expect(lowS(signed.messageSignature)).toBe(true);
  expect(verifyMessage(`${signed.message}.`, signed.messageSignature)).not.toBe(expected);
});

test('an EIP-1559 transaction is sent from that address', () => {
  const tx = Transaction.from(signed.transaction);
  expect(tx.type).toBe(2);
  expect(tx.chainId).toBe(11155111n);
  expect(tx.to).toBe('0x000000000000000000000000000000000000dEaD');
  expect(tx.from).toBe(expected);
  expect(lowS((tx.signature as Signature).serialized)).toBe(true);
  // The same signature over another transaction names someone else.
  const other = Transaction.from({ ...tx.toJSON(), nonce: 1, signature: tx.signature });
  expect(other.from).not.toBe(expected);
});

test('EIP-712 typed data recovers to that address', () => {
  expect(verifyTypedData(ORDER.domain, ORDER.types, signed.order, signed.orderSignature)).toBe(
    expected,
  );
  expect(lowS(signed.orderSignature)).toBe(true);
  const changed = { ...signed.order, amount: signed.order.amount + 1n };
  expect(verifyTypedData(ORDER.domain, ORDER.types, changed, signed.orderSignature)).not.toBe(
    expected,
  );
});
