// `Recipient` (RecipientInfo): AWS KMS's answer for AWS Nitro Enclaves, the secret encrypted to
// the public key in the enclave's signed attestation document. QKMS cannot check an attestation
// (it has no AWS Nitro root of trust), so a request that carries one is refused, never answered
// in plaintext as if the member were not there.

import { KmsError } from '../errors/kms-error';
import type { DeclaredError } from './error-tables';

export function recipientRefused(recipient: object | undefined, operation: string): void {
  if (recipient === undefined) return;
  throw new KmsError(
    'UnsupportedOperationException',
    `QKMS does not serve ${operation} with Recipient: it cannot verify an AWS Nitro Enclaves attestation document.`,
  );
}

export const RECIPIENT_REFUSED: DeclaredError = {
  name: 'UnsupportedOperationException',
  when: '`Recipient` (an AWS Nitro Enclaves attestation document) is given: QKMS cannot verify one.',
};
