import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { AwsKmsSigner } from '@solana/keychain-aws-kms';
import {
  address,
  appendTransactionMessageInstruction,
  createSignableMessage,
  createTransactionMessage,
  getAddressDecoder,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Blockhash,
} from '@solana/kit';

const MEMO_PROGRAM = address('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

/** A Solana address is the Ed25519 public key itself, in base58. */
export async function solanaAddress(kms: KMSClient, keyId: string): Promise<Address> {
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const spki = Buffer.from(PublicKey as Uint8Array);
  const { x } = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({
    format: 'jwk',
  });
  return getAddressDecoder().decode(Buffer.from(x as string, 'base64url'));
}

/**
 * A signer for an ECC_NIST_EDWARDS25519 key in QKMS. The library builds its own KMSClient and
 * takes no endpoint: start the process with AWS_ENDPOINT_URL_KMS set to QKMS's URL (the SDK
 * reads it). Credentials and region are passed explicitly.
 */
export async function solanaSigner(
  kms: KMSClient,
  keyId: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region = 'us-east-1',
): Promise<AwsKmsSigner> {
  return new AwsKmsSigner({
    keyId,
    publicKey: await solanaAddress(kms, keyId),
    credentials,
    region,
  });
}

/** Signs a text: pure Ed25519 over its UTF-8 bytes, which is KMS's ED25519_SHA_512. */
export async function signText(signer: AwsKmsSigner, text: string) {
  const [signatures] = await signer.signMessages([createSignableMessage(text)]);
  return signatures?.[signer.address];
}

/**
 * A version-0 transaction carrying a memo, paid for and signed by the KMS key. `latestBlockhash`
 * comes from `rpc.getLatestBlockhash().send()` in a real application.
 */
export async function signMemoTransaction(
  signer: AwsKmsSigner,
  latestBlockhash: { blockhash: Blockhash; lastValidBlockHeight: bigint },
  memo: string,
) {
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(signer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(latestBlockhash, m),
    (m) =>
      appendTransactionMessageInstruction(
        { programAddress: MEMO_PROGRAM, data: new TextEncoder().encode(memo) },
        m,
      ),
  );
  return signTransactionMessageWithSigners(message);
}
