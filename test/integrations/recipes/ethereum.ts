import type { KMSClient } from '@aws-sdk/client-kms';
import { KMSSigner } from '@rumblefishdev/eth-signer-kms';
import { parseEther, parseUnits, type JsonRpcApiProvider, type TypedDataField } from 'ethers';

// EIP-712 typed data: what a wallet shows the user before signing.
export const ORDER = {
  domain: {
    name: 'QKMS example exchange',
    version: '1',
    chainId: 11155111, // Sepolia
    verifyingContract: '0x00000000000000000000000000000000000000e1',
  },
  types: {
    Order: [
      { name: 'maker', type: 'address' },
      { name: 'amount', type: 'uint256' },
      { name: 'expires', type: 'uint64' },
    ],
  } satisfies Record<string, TypedDataField[]>,
};

/**
 * Signs a message (EIP-191), an EIP-1559 transaction and EIP-712 typed data with an
 * ECC_SECG_P256K1 key in QKMS. The library sends Sign with MessageType DIGEST (the Keccak-256
 * hash), normalises s to the lower half of the curve order and finds the recovery id.
 */
export async function signWithQkms(kms: KMSClient, keyId: string, provider: JsonRpcApiProvider) {
  // Asks GetPublicKey once and derives the address from it.
  const signer = await KMSSigner.create(provider, keyId, kms);

  const message = 'Signed by a key that never left the HSM';
  const messageSignature = await signer.signMessage(message);

  // Nonce and fees are given here; with a live provider, populateTransaction() fills them in.
  const transaction = await signer.signTransaction({
    type: 2,
    chainId: 11155111,
    nonce: 0,
    to: '0x000000000000000000000000000000000000dEaD',
    value: parseEther('0.001'),
    gasLimit: 21000,
    maxFeePerGas: parseUnits('30', 'gwei'),
    maxPriorityFeePerGas: parseUnits('1', 'gwei'),
  });

  const order = { maker: signer.address, amount: 5n * 10n ** 18n, expires: 1893456000 };
  const orderSignature = await signer.signTypedData(ORDER.domain, ORDER.types, order);

  return { address: signer.address, message, messageSignature, transaction, order, orderSignature };
}
