// Key policies: which principal may perform which kms: action on which keys, optionally only
// with given algorithms, message types, aliases or encryption context values (the KMS condition
// keys). Evaluation is default deny with explicit deny winning, as in AWS. With no policy
// configured at all, every authenticated principal may use every key (QKMS says so loudly at
// start-up).

import { KmsError } from '../errors/kms-error';
import type { KeyEntry } from '../keys/key-record';

export const CONDITION_KEYS = [
  'kms:SigningAlgorithm',
  'kms:MessageType',
  'kms:RequestAlias',
  'kms:EncryptionAlgorithm',
  'kms:KeyAgreementAlgorithm',
  'kms:DataKeyPairSpec',
  /** One per encryption context key: `kms:EncryptionContext:Department`, … */
  'kms:EncryptionContext:',
  /** The keys of the encryption context (several values: see matchesConditions). */
  'kms:EncryptionContextKeys',
] as const;
export type ConditionKey = (typeof CONDITION_KEYS)[number];

/** The name under which requests and statements carry the condition on one context key. */
export const contextConditionName = (contextKey: string): string =>
  `kms:EncryptionContext:${contextKey.toLowerCase()}`;

/** The family of a condition name: itself, or `kms:EncryptionContext:` for one of its keys. */
export function conditionKeyOf(name: string): ConditionKey | undefined {
  if (name.startsWith('kms:EncryptionContext:') && name.length > 'kms:EncryptionContext:'.length)
    return 'kms:EncryptionContext:';
  if (name === 'kms:EncryptionContext:') return undefined;
  return (CONDITION_KEYS as readonly string[]).includes(name) ? (name as ConditionKey) : undefined;
}

export interface PolicyStatement {
  readonly effect: 'allow' | 'deny';
  /** Principal names, or "*". */
  readonly principals: readonly string[];
  /** "kms:Sign", "kms:*", … */
  readonly actions: readonly string[];
  /** Key ids, key ARNs, alias names (alias/…), or "*". */
  readonly keys: readonly string[];
  /** The key must carry every one of these tags. */
  readonly tags: Readonly<Record<string, string>>;
  /** Condition name (a ConditionKey, or `kms:EncryptionContext:<key>`) → values allowed. */
  readonly conditions: Readonly<Record<string, readonly string[]>>;
}

export interface AccessRequest {
  readonly principal: string;
  readonly action: string;
  /** The keys the request acts on (none for CreateKey, ListKeys, …). */
  readonly keys: readonly KeyEntry[];
  /** A key the request names does not exist: the operation answers NotFoundException itself. */
  readonly unresolved: boolean;
  /**
   * Condition name → the request's value (several where context keys differ only in case); a
   * name the request has no value for is absent.
   */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

const matchesName = (patterns: readonly string[], value: string): boolean =>
  patterns.some(
    (p) => p === '*' || p === value || (p.endsWith('*') && value.startsWith(p.slice(0, -1))),
  );

function matchesKey(statement: PolicyStatement, key: KeyEntry | null): boolean {
  // A call on no key has no tags: a statement that needs tags does not cover it.
  if (!key) return statement.keys.includes('*') && Object.keys(statement.tags).length === 0;
  const names = [key.record.keyId, key.arn, ...key.aliases];
  const keyMatch = statement.keys.some((p) => p === '*' || names.includes(p));
  const tagsMatch = Object.entries(statement.tags).every(([k, v]) =>
    key.record.tags.some((t) => t.TagKey === k && t.TagValue === v),
  );
  return keyMatch && tagsMatch;
}

/**
 * Whether every condition of the statement holds. A condition with several request values
 * (kms:EncryptionContextKeys, or context keys that differ only in case) holds for an allow only
 * if all of them are listed (AWS's ForAllValues), and for a deny if any is (ForAnyValue): neither
 * reading lets such a request slip past the statement. A request with no value at all (no
 * encryption context) matches neither, where AWS's ForAllValues would allow it.
 */
function matchesConditions(statement: PolicyStatement, context: AccessRequest['context']): boolean {
  return Object.entries(statement.conditions).every(([name, allowed]) => {
    const value = Object.hasOwn(context, name) ? context[name] : undefined;
    if (value === undefined) return false;
    const values: readonly string[] = typeof value === 'string' ? [value] : value;
    return statement.effect === 'deny'
      ? values.some((v) => allowed.includes(v))
      : values.length > 0 && values.every((v) => allowed.includes(v));
  });
}

export class Policy {
  constructor(private readonly statements: readonly PolicyStatement[] | null) {}

  get configured(): boolean {
    return this.statements !== null;
  }

  /** Throws AccessDeniedException unless the request is allowed for every key it touches. */
  authorize(request: AccessRequest): void {
    if (this.statements === null || request.unresolved) return;
    const targets: (KeyEntry | null)[] = request.keys.length > 0 ? [...request.keys] : [null];
    for (const key of targets) {
      const applicable = this.statements.filter(
        (s) =>
          matchesName(s.principals, request.principal) &&
          matchesName(s.actions, request.action) &&
          matchesKey(s, key) &&
          matchesConditions(s, request.context),
      );
      const resource = key ? key.arn : '*';
      if (applicable.some((s) => s.effect === 'deny')) {
        throw new KmsError(
          'AccessDeniedException',
          `User: ${request.principal} is not authorized to perform: ${request.action} on resource: ${resource} with an explicit deny in a QKMS policy`,
        );
      }
      if (!applicable.some((s) => s.effect === 'allow')) {
        throw new KmsError(
          'AccessDeniedException',
          `User: ${request.principal} is not authorized to perform: ${request.action} on resource: ${resource} because no QKMS policy allows the ${request.action} action`,
        );
      }
    }
  }
}

/** Parses the `policy` list of the config file, collecting problems. */
export function parsePolicy(raw: unknown, problems: string[]): PolicyStatement[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) {
    problems.push('policy must be a list of statements');
    return null;
  }
  const list = (value: unknown, at: string): string[] => {
    if (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((v) => typeof v === 'string' && v !== '')
    )
      return value;
    problems.push(`${at} must be a non-empty list of strings`);
    return [];
  };
  return raw.map((entry: unknown, i): PolicyStatement => {
    const at = `policy[${i}]`;
    const s = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    for (const key of Object.keys(s)) {
      if (!['effect', 'principals', 'actions', 'keys', 'tags', 'conditions'].includes(key))
        problems.push(`unknown setting ${at}.${key}`);
    }
    const effect = s.effect ?? 'allow';
    if (effect !== 'allow' && effect !== 'deny')
      problems.push(`${at}.effect must be allow or deny`);
    const actions = list(s.actions, `${at}.actions`);
    for (const action of actions) {
      if (!/^kms:(\*|[A-Za-z]+\*?)$/.test(action))
        problems.push(`${at}.actions: ${action} is not of the form kms:Operation`);
    }
    const tags = (s.tags ?? {}) as Record<string, unknown>;
    if (typeof tags !== 'object' || Object.values(tags).some((v) => typeof v !== 'string'))
      problems.push(`${at}.tags must map tag keys to values`);
    const conditions: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const [name, values] of Object.entries((s.conditions ?? {}) as Record<string, unknown>)) {
      if (!conditionKeyOf(name))
        problems.push(
          `${at}.conditions: ${name} is not one of ${CONDITION_KEYS.map((k) => (k.endsWith(':') ? `${k}<key>` : k)).join(', ')}`,
        );
      else {
        const key = name.startsWith('kms:EncryptionContext:')
          ? contextConditionName(name.slice('kms:EncryptionContext:'.length))
          : name;
        conditions[key] = list(values, `${at}.conditions.${name}`);
      }
    }
    return {
      effect: effect === 'deny' ? 'deny' : 'allow',
      principals: list(s.principals, `${at}.principals`),
      actions,
      keys: s.keys === undefined ? ['*'] : list(s.keys, `${at}.keys`),
      tags: tags as Record<string, string>,
      conditions,
    };
  });
}
