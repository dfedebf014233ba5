// DeriveSharedSecret: ECDH in the token (CKM_ECDH1_DERIVE, no KDF) between a KEY_AGREEMENT key's
// private half and the peer's public key; the raw shared secret (the x coordinate) is returned.
// The peer key is validated here first (DER SPKI, same named curve, a point on it): SoftHSM
// would otherwise derive from whatever point it is given.

import { parsePeerPublicKey } from '../crypto/ec-peer-key';
import { KEY_AGREEMENT_ALGORITHMS } from '../crypto/key-agreement-algorithms';
import { KEY_SPEC_TABLE } from '../crypto/key-specs';
import { KmsError } from '../errors/kms-error';
import type { KeyEntry } from '../keys/key-record';
import { RECIPIENT, RECIPIENT_ERROR, refuseRecipient } from './encryption-input';
import { DRY_RUN, HSM_CALL, KEY_LOOKUP, KEY_MATERIAL, KEY_STATE_FOR_USE } from './error-tables';
import { GRANT_TOKENS, KEY_ID } from './input-schema';
import { assertKeyUsage, assertUsable, dryRunSucceeded } from './key-use';
import { defineOperation, type OperationContext } from './operation';
import { asBuffer } from '../pkcs11/bytes';

const OPERATION = 'DeriveSharedSecret';

/** The key's curve and shared-secret length, once state, usage and capability are checked. */
function agreementPlan(
  key: KeyEntry,
  ctx: OperationContext,
): { curveOidDer: string; bytes: number } {
  assertUsable(key);
  assertKeyUsage(key, 'KEY_AGREEMENT', OPERATION);
  const spec = KEY_SPEC_TABLE[key.record.keySpec];
  const capability = ctx.capabilities.keyAgreement('ECDH', spec.name);
  if (!capability.ok) {
    throw new KmsError(
      'UnsupportedOperationException',
      `ECDH on ${spec.name} is not available on this gateway's HSM: ${capability.reason}.`,
    );
  }
  // Only NIST curves have KEY_AGREEMENT in the table, so both are set for any key that got here.
  if (spec.generation.kind !== 'ec' || spec.sharedSecretBytes === undefined)
    throw new Error(`${spec.name} keys do not agree keys`);
  return { curveOidDer: spec.generation.curveOidDer, bytes: spec.sharedSecretBytes };
}

export const deriveSharedSecret = defineOperation({
  name: OPERATION,
  audit: 'use',
  input: {
    KeyId: KEY_ID,
    KeyAgreementAlgorithm: { kind: 'string', required: true, enum: KEY_AGREEMENT_ALGORITHMS },
    PublicKey: { kind: 'blob', required: true, min: 1, max: 8192 },
    GrantTokens: GRANT_TOKENS,
    DryRun: { kind: 'boolean' },
    Recipient: RECIPIENT,
  },
  errors: [
    ...KEY_LOOKUP,
    ...KEY_STATE_FOR_USE,
    {
      name: 'InvalidKeyUsageException',
      when: 'The key does not have key usage `KEY_AGREEMENT`.',
    },
    {
      name: 'ValidationException',
      when: "`PublicKey` is not a DER SubjectPublicKeyInfo of an elliptic curve point on the key's curve (another curve, an RSA key, a point off the curve or at infinity, trailing bytes).",
    },
    ...RECIPIENT_ERROR,
    {
      name: 'UnsupportedOperationException',
      when: "This gateway's HSM has not proved ECDH on the key's curve at start-up.",
    },
    ...KEY_MATERIAL,
    ...DRY_RUN,
    ...HSM_CALL,
  ],
  async handle(input, ctx) {
    refuseRecipient(input.Recipient);
    const key = ctx.catalog.resolve(input.KeyId);
    const plan = agreementPlan(key, ctx);
    const peer = parsePeerPublicKey(input.PublicKey, plan.curveOidDer);
    if ('error' in peer) throw new KmsError('ValidationException', peer.error);
    if (input.DryRun) dryRunSucceeded();
    const secret = await ctx.token.deriveSharedSecret(key.record.locator, peer.point, plan.bytes);
    return {
      KeyId: key.arn,
      SharedSecret: asBuffer(secret),
      KeyOrigin: key.record.origin,
      KeyAgreementAlgorithm: input.KeyAgreementAlgorithm,
    };
  },
});
