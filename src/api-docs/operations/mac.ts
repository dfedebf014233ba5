// The GenerateMac and VerifyMac pages.

import { MAC_ALGORITHMS } from '../../crypto/mac-algorithms';
import { MAC_MEMBERS } from '../../operations/mac-input';
import type { GivenStep, OperationDoc } from '../doc-types';
import { KEYS, aliasOf, arnOf, base64, perCall } from '../example-values';
import { blobLimitRule, macSpecsRule } from '../key-rules';
import {
  BOOLEAN,
  DRY_RUN_DOC,
  enumOf,
  GRANT_TOKENS_DOC,
  KEY_ARN_OUT,
  KEY_ID_DOC,
  member,
} from '../shared-docs';

const WEBHOOK = '{"event":"payment.settled","id":"pay_2026_0042"}';

const MAC_RULES = [
  'The key must have key usage `GENERATE_VERIFY_MAC` and be `Enabled`.',
  macSpecsRule(),
  blobLimitRule(MAC_MEMBERS, 'Message', 'message'),
];

const generated: GivenStep = {
  operation: 'GenerateMac',
  input: { KeyId: aliasOf(KEYS.hmac256), Message: base64(WEBHOOK), MacAlgorithm: 'HMAC_SHA_256' },
  capture: { mac: 'Mac' },
  says: 'Compute the HMAC of the message with GenerateMac.',
};

const MEMBERS = {
  KeyId: KEY_ID_DOC,
  Message: 'The message, base64-encoded on the wire.',
  MacAlgorithm: "The MAC algorithm; it must be the key spec's.",
  GrantTokens: GRANT_TOKENS_DOC,
  DryRun: DRY_RUN_DOC,
};

export const generateMacDoc: OperationDoc = {
  summary: 'Computes an HMAC of a message in the HSM with a secret key that never leaves it.',
  about: [
    'The HMAC is computed by the HSM (`CKM_SHA*_HMAC`); the key is a generic secret as long as the hash. The same key, message and algorithm always give the same MAC.',
  ],
  rules: MAC_RULES,
  members: MEMBERS,
  output: {
    Mac: member({ kind: 'blob' }, 'The HMAC, base64-encoded on the wire.'),
    MacAlgorithm: member(enumOf(MAC_ALGORITHMS), 'The algorithm used.'),
    KeyId: KEY_ARN_OUT,
  },
  examples: [
    {
      title: 'HMAC-SHA-256 of a webhook body',
      says: 'The 32-byte MAC, computed in the HSM.',
      request: generated.input,
      answer: {
        status: 200,
        body: {
          Mac: perCall.base64('32-byte HMAC-SHA-256 of the message under this key'),
          MacAlgorithm: 'HMAC_SHA_256',
          KeyId: arnOf(KEYS.hmac256),
        },
      },
    },
    {
      title: 'An algorithm the key does not take',
      says: 'An HMAC_256 key computes HMAC_SHA_256 only.',
      request: { ...generated.input, MacAlgorithm: 'HMAC_SHA_384' },
      answer: {
        error: 'InvalidKeyUsageException',
        message:
          'Algorithm HMAC_SHA_384 is incompatible with key spec HMAC_256. Valid algorithms: HMAC_SHA_256.',
      },
    },
    {
      title: 'A dry run',
      says: 'Every check passes, so the answer is `DryRunOperationException` (HTTP 412); the HSM is not used.',
      request: { ...generated.input, DryRun: true },
      answer: {
        error: 'DryRunOperationException',
        message: 'The request would have succeeded, but the DryRun option is set.',
      },
    },
  ],
};

export const verifyMacDoc: OperationDoc = {
  summary:
    'Checks an HMAC in the HSM; a MAC that does not match is the error `KMSInvalidMacException`.',
  about: ['The HSM recomputes the MAC and compares. A 200 answer always says `MacValid: true`.'],
  rules: MAC_RULES,
  members: { ...MEMBERS, Mac: 'The MAC to check, as GenerateMac returned it.' },
  output: {
    KeyId: KEY_ARN_OUT,
    MacValid: member(BOOLEAN, 'Always true: a MAC that does not match is an error.'),
    MacAlgorithm: member(enumOf(MAC_ALGORITHMS), 'The algorithm used.'),
  },
  examples: [
    {
      title: 'A MAC that matches',
      says: 'The MAC GenerateMac returned for the same message.',
      given: [generated],
      request: { ...generated.input, Mac: perCall.captured('mac', 'the Mac GenerateMac returned') },
      answer: {
        status: 200,
        body: { KeyId: arnOf(KEYS.hmac256), MacValid: true, MacAlgorithm: 'HMAC_SHA_256' },
      },
    },
    {
      title: 'A message that was changed',
      says: 'The MAC was computed over another message.',
      given: [generated],
      request: {
        ...generated.input,
        Message: base64(WEBHOOK.replace('settled', 'refunded')),
        Mac: perCall.captured('mac', 'the Mac GenerateMac returned'),
      },
      answer: {
        error: 'KMSInvalidMacException',
        message: 'The MAC is not valid for this key, message and algorithm.',
      },
    },
  ],
};
