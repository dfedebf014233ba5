// Permissions: what a QKMS policy statement must allow for a call. Found by asking the policy
// layer itself (http/access-request.ts) what it would check for a probe of each operation, so
// the page names exactly the action, keys and condition keys the evaluator honours.

import { CONDITION_KEYS, type ConditionKey } from '../../auth/policy';
import { accessRequest, type KeyFinder } from '../../http/access-request';
import type { Operation } from '../../operations/operation';

export interface Permissions {
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
};

/** Every string member probed with a value that says which member it came from. */
function probe(op: Operation): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(op.input)) {
    if (member.kind === 'string') input[name] = member.enum?.[0] ?? `alias/probe-${name}`;
  }
  return input;
}

export function permissionsOf(op: Operation): Permissions {
  const input = probe(op);
  const memberOf = (value: string) =>
    Object.keys(input).find((name) => input[name] === value) ?? value;
  const resolved: string[] = [];
  const aliases: string[] = [];
  const finder: KeyFinder = {
    resolve(reference) {
      resolved.push(memberOf(reference));
      throw new Error('probe: no key');
    },
    aliasTarget(name) {
      aliases.push(memberOf(name));
      return undefined;
    },
  };
  const request = accessRequest('probe', op.name, input, finder);
  return {
    action: request.action,
    keyMembers: resolved,
    aliasMembers: aliases,
    conditionKeys: CONDITION_KEYS.filter((key) => request.context[key] !== undefined),
  };
}

const code = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(' and ');

export function permissionsSection(op: Operation): string {
  const p = permissionsOf(op);
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
      : `Condition keys: ${p.conditionKeys.map((k) => `\`${k}\` (${CONDITION_KEY_DOCS[k]})`).join('; ')}.`;
  return [
    `A QKMS policy statement must allow the action \`${p.action}\` for the caller's principal (\`kms:*\` and prefixes such as \`kms:Get*\` match too), and none may deny it. Without a \`policy\` list every authenticated principal may call it ([security.md](../security.md#key-policies-policy)).`,
    '',
    `- ${keys}`,
    `- ${conditions}`,
  ].join('\n');
}
