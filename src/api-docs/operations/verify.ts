// The Verify page.

import { createHash } from 'node:crypto';
import { SIGNING_ALGORITHMS } from '../../crypto/signing-algorithms';
import { SIGNING_MEMBERS } from '../../operations/signing-input';
import type { OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, base64, perCall } from '../example-values';
import { blobLimitRule, digestRule, signingSpecsRule } from '../key-rules';
import {
  BOOLEAN,
  DRY_RUN_DOC,
  enumOf,
  GRANT_TOKENS_DOC,
  KEY_ARN_OUT,
  KEY_ID_DOC,
  member,
} from '../shared-docs';
import { PAYMENT } from './sign';

const signFirst = {
  operation: 'Sign',
  input: {
    KeyId: aliasOf(KEYS.p256),
    Message: base64(PAYMENT),
    MessageType: 'RAW',
    SigningAlgorithm: 'ECDSA_SHA_256',
  },
  capture: { signature: 'Signature' },
  says: `Sign "${PAYMENT}" (RAW) with the same key and algorithm.`,
};

export const verifyDoc: OperationDoc = {
  summary:
    'Checks a signature with an asymmetric key in the HSM; a signature that does not verify is the error `KMSInvalidSignatureException`.',
  about: [
    "The HSM verifies with the key's public key object. As in AWS KMS, an invalid signature is an error, never `SignatureValid: false`; a 200 answer always says `SignatureValid: true`.",
    "The message type need not be the one used when signing: a signature over a RAW message verifies against that message's digest sent as DIGEST, and the other way round. Anyone can also verify offline with the public key from `GetPublicKey`.",
  ],
  rules: [
    'The key must have key usage `SIGN_VERIFY` and be `Enabled`.',
    signingSpecsRule(),
    blobLimitRule(SIGNING_MEMBERS, 'Message', 'message or digest'),
    digestRule(),
  ],
  members: {
    KeyId: KEY_ID_DOC,
    Message: 'The message (RAW) or its digest (DIGEST) the signature is over.',
    MessageType: '`RAW` (the default), `DIGEST` or `EXTERNAL_MU`, as for Sign.',
    SigningAlgorithm: 'The algorithm the signature was made with.',
    GrantTokens: GRANT_TOKENS_DOC,
    DryRun: DRY_RUN_DOC,
    Signature: 'The signature, in the encoding Sign returns (DER for ECDSA).',
  },
  output: {
    KeyId: KEY_ARN_OUT,
    SignatureValid: member(BOOLEAN, 'Always true: an invalid signature is an error.'),
    SigningAlgorithm: member(enumOf(SIGNING_ALGORITHMS), 'The algorithm used.'),
  },
  examples: [
    {
      title: 'A valid ECDSA signature',
      says: 'The signature Sign returned for the message verifies.',
      given: [signFirst],
      request: {
        KeyId: aliasOf(KEYS.p256),
        Message: base64(PAYMENT),
        MessageType: 'RAW',
        Signature: perCall.captured('signature', 'the Signature Sign returned'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
      answer: {
        status: 200,
        body: { KeyId: arnOf(KEYS.p256), SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' },
      },
    },
    {
      title: 'The digest of a message signed RAW',
      says: 'Signed as RAW, verified as DIGEST: the SHA-256 of the same message leads to the same input in the HSM.',
      given: [signFirst],
      request: {
        KeyId: aliasOf(KEYS.p256),
        Message: createHash('sha256').update(PAYMENT).digest('base64'),
        MessageType: 'DIGEST',
        Signature: perCall.captured('signature', 'the Signature Sign returned'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
      answer: {
        status: 200,
        body: { KeyId: arnOf(KEYS.p256), SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' },
      },
    },
    {
      title: 'A message that was changed',
      says: 'One character of the message differs from what was signed.',
      given: [signFirst],
      request: {
        KeyId: aliasOf(KEYS.p256),
        Message: base64(PAYMENT.replace('120.00', '920.00')),
        MessageType: 'RAW',
        Signature: perCall.captured('signature', 'the Signature Sign returned'),
        SigningAlgorithm: 'ECDSA_SHA_256',
      },
      answer: {
        error: 'KMSInvalidSignatureException',
        message: 'The signature is not valid for this key, message and algorithm.',
      },
    },
  ],
};
