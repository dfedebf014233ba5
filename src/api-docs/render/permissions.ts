// Permissions: what a QKMS policy statement must allow for a call. Found by asking the policy
// layer itself (http/access-request.ts) what it would check for a probe of each operation, so
// the page names exactly the action, keys and condition keys the evaluator honours.

import { randomUUID } from 'node:crypto';
import { conditionKeyOf, type ConditionKey } from '../../auth/policy';
import { encodeBlob } from '../../crypto/ciphertext-blob';
import { accessRequests, type KeyFinder } from '../../http/access-request';
import type { KeyEntry } from '../../keys/key-record';
import type { Operation } from '../../operations/operation';

/** One check a call must pass (ReEncrypt has two). */
export interface Permission {
  readonly action: string;
  /** Input members naming a key the statement's `keys` and `tags` are matched against. */
  readonly keyMembers: readonly string[];
  /** Input members naming an alias whose current key is matched too. */
  readonly aliasMembers: readonly string[];
  readonly conditionKeys: readonly ConditionKey[];
}

/** What each condition key holds, for the page. */
export const CONDITION_KEY_DOCS: Readonly<Record<ConditionKey, string>> = {
  'kms:SigningAlgorithm': 'the `SigningAlgorithm` of the request',
  'kms:MessageType': 'the `MessageType` of the request, `RAW` when absent',
  'kms:RequestAlias': 'the alias the request names the key by in `KeyId`, when it does',
  'kms:EncryptionAlgorithm':
    'the encryption algorithm of the request (`SYMMETRIC_DEFAULT` when it names none)',
  'kms:KeyAgreementAlgorithm': 'the `KeyAgreementAlgorithm` of the request',
  'kms:DataKeyPairSpec': 'the `KeyPairSpec` of the request',
  'kms:EncryptionContext:':
    'written `kms:EncryptionContext:<key>`: the value of that key in the encryption context (a request without the key does not match)',
  'kms:EncryptionContextKeys':
    'the keys of the encryption context; an allow needs every one listed, a deny any one, and a request without a context matches neither',
};

const conditionName = (key: ConditionKey): string => (key.endsWith(':') ? `${key}<key>` : key);

/**
 * Every string member probed with a value that says which member it came from; context maps
 * with one entry; a ciphertext blob naming a probe key id.
 */
function probe(op: Operation): { input: Record<string, unknown>; members: Map<string, string> } {
  const input: Record<string, unknown> = {};
  const members = new Map<string, string>();
  for (const [name, member] of Object.entries(op.input)) {
    if (member.kind === 'string') {
      input[name] = member.enum?.[0] ?? `alias/probe-${name}`;
      members.set(input[name] as string, name);
    } else if (member.kind === 'stringMap') {
      input[name] = { probe: 'probe' };
    } else if (member.kind === 'blob' && name === 'CiphertextBlob') {
      const keyId = randomUUID();
      input[name] = encodeBlob({ keyId, materialId: keyId }, Buffer.alloc(12), Buffer.alloc(16));
      members.set(keyId, name);
    }
  }
  return { input, members };
}

/** A stand-in key that says which input member named it (and whether through an alias). */
const standIn = (member: string, viaAlias: boolean): KeyEntry =>
  ({
    record: { keyId: member, tags: [] },
    arn: member,
    aliases: [],
    viaAlias,
  }) as unknown as KeyEntry;

export function permissionsOf(op: Operation): Permission[] {
  const { input, members } = probe(op);
  const memberOf = (value: string) => members.get(value) ?? value;
  const finder: KeyFinder = {
    resolve: (reference) => standIn(memberOf(reference), false),
    aliasTarget: (name) => standIn(memberOf(name), true),
  };
  return accessRequests('probe', op.name, input, finder).map((request) => {
    const named = (viaAlias: boolean) =>
      request.keys
        .filter((k) => (k as unknown as { viaAlias: boolean }).viaAlias === viaAlias)
        .map((k) => k.record.keyId);
    const conditionKeys = new Set<ConditionKey>();
    for (const name of Object.keys(request.context)) {
      const key = conditionKeyOf(name);
      if (key) conditionKeys.add(key);
    }
    return {
      action: request.action,
      keyMembers: named(false),
      aliasMembers: named(true),
      conditionKeys: [...conditionKeys],
    };
  });
}

const code = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(' and ');

function checkLines(p: Permission): string[] {
  const keys =
    p.keyMembers.length + p.aliasMembers.length === 0
      ? 'The call names no key: only statements whose `keys` are `"*"` (or left out) apply.'
      : `The statement's \`keys\` (key ids, key ARNs, alias names) and \`tags\` are matched against ${[
          p.keyMembers.length > 0 ? `the key named by ${code(p.keyMembers)}` : '',
          p.aliasMembers.length > 0 ? `the key the alias in ${code(p.aliasMembers)} names now` : '',
        ]
          .filter(Boolean)
          .join(', and ')}; each key must be allowed.`;
  const conditions =
    p.conditionKeys.length === 0
      ? 'No condition keys apply: a statement with `conditions` never matches this action.'
      : `Condition keys: ${p.conditionKeys.map((k) => `\`${conditionName(k)}\` (${CONDITION_KEY_DOCS[k]})`).join('; ')}.`;
  return [`- ${keys}`, `- ${conditions}`];
}

export function permissionsSection(op: Operation): string {
  const checks = permissionsOf(op);
  const lead = (p: Permission) =>
    `A QKMS policy statement must allow the action \`${p.action}\` for the caller's principal (\`kms:*\` and prefixes such as \`kms:Get*\` match too), and none may deny it.`;
  const unconfigured =
    'Without a `policy` list every authenticated principal may call it ([security.md](../security.md#key-policies-policy)).';
  if (checks.length === 1) {
    const only = checks[0] as Permission;
    return [`${lead(only)} ${unconfigured}`, '', ...checkLines(only)].join('\n');
  }
  return [
    `The call is allowed only if each of these ${checks.length} checks passes. ${unconfigured}`,
    ...checks.flatMap((p) => ['', lead(p), '', ...checkLines(p)]),
  ].join('\n');
}
