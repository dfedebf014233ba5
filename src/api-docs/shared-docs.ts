// Member texts and response shapes several operations share, written once (as the input
// schemas share theirs in src/operations/input-schema.ts).

import { ENCRYPTION_ALGORITHMS } from '../crypto/encryption-algorithms';
import { KEY_AGREEMENT_ALGORITHMS } from '../crypto/key-agreement-algorithms';
import { KEY_SPECS, KEY_USAGES } from '../crypto/key-specs';
import { MAC_ALGORITHMS } from '../crypto/mac-algorithms';
import { SIGNING_ALGORITHMS } from '../crypto/signing-algorithms';
import type { OutputMember, OutputMembers, Shape } from './doc-types';

export const KEY_ID_DOC =
  "The key: its key id (`1234abcd-…`), key ARN, alias name (`alias/…`) or alias ARN. An ARN must name this gateway's partition, Region and account.";
export const GRANT_TOKENS_DOC =
  'Accepted for compatibility and checked (at most 10, each 1–8192 characters); QKMS has no grants and does not use them.';
export const DRY_RUN_DOC =
  'Check the request without using the key: every check runs and a request that would succeed is answered `DryRunOperationException` (HTTP 412).';
export const LIMIT_DOC = (most: number, preset: number): string =>
  `How many items to return, 1–${most}; ${preset} when absent.`;
export const MARKER_DOC =
  'Where to continue: the `NextMarker` of the previous page, sent with the same filter.';

const STRING: Shape = { kind: 'string' };
const TIMESTAMP: Shape = { kind: 'timestamp' };
const BOOLEAN: Shape = { kind: 'boolean' };
const enumOf = (values: readonly string[]): Shape => ({ kind: 'string', values });
const member = (shape: Shape, doc: string): OutputMember => ({ shape, doc });

export const KEY_ARN_OUT = member(STRING, 'The key ARN of the key used.');

/** KeyMaterialId and its kin: which version of a symmetric key's material was used. */
export const keyMaterialOut = (what: string): ReturnType<typeof member> =>
  member(
    STRING,
    `The key material ${what}: the SHA-256 of its id, 64 hex digits, as ListKeyRotations lists it.`,
  );

export const ENCRYPTION_ALGORITHMS_OUT = member(
  { kind: 'list', of: enumOf(ENCRYPTION_ALGORITHMS) },
  "The encryption algorithms of an ENCRYPT_DECRYPT key that this gateway's HSM can perform.",
);
export const KEY_AGREEMENT_ALGORITHMS_OUT = member(
  { kind: 'list', of: enumOf(KEY_AGREEMENT_ALGORITHMS) },
  "The key agreement algorithms of a KEY_AGREEMENT key that this gateway's HSM can perform.",
);

export { KEY_USAGES };
export const KEY_STATES = ['Enabled', 'Disabled', 'PendingDeletion'] as const;

export const KEY_METADATA: OutputMember = member(
  {
    kind: 'structure',
    name: 'KeyMetadata',
    members: {
      AWSAccountId: member(STRING, "The account in the gateway's ARNs (`arn.account`)."),
      KeyId: member(STRING, 'The key id.'),
      Arn: member(STRING, 'The key ARN.'),
      CreationDate: member(
        TIMESTAMP,
        'When the key was created; 0 for keys adopted from the token, whose creation the token does not record.',
      ),
      Enabled: member(BOOLEAN, 'Whether `KeyState` is `Enabled`.'),
      Description: member(STRING, 'The description, possibly empty.'),
      KeyUsage: member(enumOf(KEY_USAGES), 'What the key is for.'),
      KeyState: member(enumOf(KEY_STATES), 'The key state.'),
      DeletionDate: member(
        TIMESTAMP,
        'When the key material will be destroyed; present only while `PendingDeletion`.',
      ),
      Origin: member(
        enumOf(['AWS_KMS', 'EXTERNAL']),
        '`AWS_KMS` for keys QKMS generated in the HSM, `EXTERNAL` for keys adopted from it.',
      ),
      KeyManager: member(enumOf(['CUSTOMER']), 'Always `CUSTOMER`.'),
      CustomerMasterKeySpec: member(
        enumOf(KEY_SPECS),
        'The key spec under its deprecated name, for the specs AWS still reports it for.',
      ),
      KeySpec: member(enumOf(KEY_SPECS), 'The key spec.'),
      SigningAlgorithms: member(
        { kind: 'list', of: enumOf(SIGNING_ALGORITHMS) },
        "The signing algorithms of a SIGN_VERIFY key that this gateway's HSM can perform.",
      ),
      MacAlgorithms: member(
        { kind: 'list', of: enumOf(MAC_ALGORITHMS) },
        "The MAC algorithms of a GENERATE_VERIFY_MAC key that this gateway's HSM can perform.",
      ),
      EncryptionAlgorithms: ENCRYPTION_ALGORITHMS_OUT,
      KeyAgreementAlgorithms: KEY_AGREEMENT_ALGORITHMS_OUT,
      MultiRegion: member(BOOLEAN, 'Always false.'),
      CurrentKeyMaterialId: keyMaterialOut(
        'Encrypt uses now (SYMMETRIC_DEFAULT keys only; it changes at each rotation)',
      ),
    },
  },
  "The key's metadata.",
);

export const TAG_SHAPE: Shape = {
  kind: 'structure',
  name: 'Tag',
  members: {
    TagKey: member(STRING, 'The tag key.'),
    TagValue: member(STRING, 'The tag value.'),
  },
};

/** The paging members of a List response. */
export const PAGE_OUT: OutputMembers = {
  NextMarker: member(
    STRING,
    'Present when `Truncated` is true: pass it as `Marker` to get the next page.',
  ),
  Truncated: member(BOOLEAN, 'Whether more items follow this page.'),
};

export { BOOLEAN, enumOf, member, STRING, TIMESTAMP };
