// Loads the configuration: YAML file, then environment overrides, validated against the one
// schema. Every problem is collected and reported together, so an operator fixes them in one go.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CONFIG_FIELDS, type AdoptedKeyConfig, type FieldSpec, type QkmsConfig } from './schema';
import { Secret } from './secret';
import { CredentialStore, CredentialsError } from '../auth/credential-store';
import { parsePolicy } from '../auth/policy';
import { allowedHostProblem } from '../http/allowed-hosts';
import { allowedOriginProblem } from '../http/cors';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export interface LoadedConfig {
  readonly config: QkmsConfig;
  readonly pin: Secret;
  /** The metadata database's password, when metadata.store is postgres and one is configured. */
  readonly postgresPassword: Secret | null;
  /** Present when auth.mode is sigv4 and the configuration was loaded for serving. */
  readonly credentials: CredentialStore | null;
}

export interface LoadOptions {
  /**
   * False for commands that open the token without serving the API (`qkms keys`, `qkms
   * metadata`): they authenticate no one, so SigV4 credentials are neither required nor read.
   * A gateway started from such a configuration refuses to start (src/gateway.ts).
   */
  readonly serving?: boolean;
}

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

function lookup(tree: Tree, path: string): unknown {
  let node: unknown = tree;
  for (const part of path.split('.')) node = isTree(node) ? node[part] : undefined;
  return node;
}

function assign(tree: Tree, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    if (!isTree(node[part])) node[part] = {};
    node = node[part] as Tree;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Coerces a YAML or env value to the field's type, or returns a problem description. */
function coerce(
  field: FieldSpec,
  raw: unknown,
  fromEnv: boolean,
): { value: unknown } | { problem: string } {
  const where = fromEnv ? `${field.env}` : `${field.path}`;
  switch (field.type) {
    case 'string':
      if (typeof raw !== 'string' || raw === '')
        return { problem: `${where} must be a non-empty string` };
      return { value: raw };
    case 'integer': {
      const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof n !== 'number' || !Number.isInteger(n))
        return { problem: `${where} must be an integer` };
      if (
        (field.min !== undefined && n < field.min) ||
        (field.max !== undefined && n > field.max)
      ) {
        return { problem: `${where} must be between ${field.min} and ${field.max} (got ${n})` };
      }
      return { value: n };
    }
    case 'boolean': {
      const b = raw === 'true' ? true : raw === 'false' ? false : raw;
      if (typeof b !== 'boolean') return { problem: `${where} must be true or false` };
      return { value: b };
    }
    case 'count': {
      if (raw === 'auto') return { value: raw };
      const integral =
        (typeof raw === 'number' && Number.isInteger(raw)) ||
        (typeof raw === 'string' && /^-?\d+$/.test(raw));
      if (!integral) return { problem: `${where} must be auto or an integer` };
      return coerce({ ...field, type: 'integer' }, raw, fromEnv);
    }
    case 'list': {
      const items = typeof raw === 'string' ? raw.split(',').map((v) => v.trim()) : raw;
      if (
        !Array.isArray(items) ||
        items.length === 0 ||
        !items.every((v): v is string => typeof v === 'string' && v.trim() !== '')
      )
        return { problem: `${where} must be a list of non-empty strings` };
      return { value: items.map((v) => v.trim()) };
    }
    case 'enum':
      if (typeof raw !== 'string' || !field.values?.includes(raw)) {
        return { problem: `${where} must be one of ${field.values?.join(', ')}` };
      }
      return { value: raw };
  }
}

function unknownKeys(tree: Tree, prefix: string, problems: string[]): void {
  const known = new Set(CONFIG_FIELDS.map((f) => f.path));
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (path === 'keys' || path === 'policy') continue;
    if (path === 'pkcs11.pin') {
      problems.push(
        'pkcs11.pin is not allowed in the config file: give the PIN in QKMS_PIN or in the file named by pkcs11.pinFile',
      );
    } else if (isTree(value) && [...known].some((k) => k.startsWith(`${path}.`))) {
      unknownKeys(value, path, problems);
    } else if (!known.has(path)) {
      problems.push(`unknown setting ${path}`);
    }
  }
}

function adoptedKeys(raw: unknown, problems: string[]): AdoptedKeyConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('keys must be a list');
    return [];
  }
  const seen = new Set<string>();
  const aliasOwners = new Map<string, number>();
  return raw.flatMap((entry: unknown, i): AdoptedKeyConfig[] => {
    const at = `keys[${i}]`;
    if (!isTree(entry)) {
      problems.push(`${at} must be a mapping`);
      return [];
    }
    const keyId = typeof entry.keyId === 'string' ? entry.keyId.toLowerCase() : '';
    if (!UUID.test(keyId)) problems.push(`${at}.keyId must be a UUID`);
    else if (seen.has(keyId)) problems.push(`${at}.keyId ${keyId} appears twice`);
    seen.add(keyId);
    const label = typeof entry.label === 'string' && entry.label !== '' ? entry.label : undefined;
    const idHex =
      typeof entry.id === 'string' && /^([0-9a-fA-F]{2})+$/.test(entry.id)
        ? entry.id.toLowerCase()
        : undefined;
    if (entry.id !== undefined && idHex === undefined)
      problems.push(`${at}.id must be hex bytes (CKA_ID)`);
    if (label === undefined && idHex === undefined)
      problems.push(`${at} needs a label or an id to find the key in the token`);
    const aliases = Array.isArray(entry.aliases)
      ? entry.aliases
      : entry.aliases === undefined
        ? []
        : null;
    if (
      aliases === null ||
      !aliases.every(
        (a): a is string => typeof a === 'string' && ALIAS.test(a) && !a.startsWith('alias/aws/'),
      )
    ) {
      problems.push(`${at}.aliases must be a list of names like alias/my-key (not alias/aws/…)`);
    }
    if (entry.enabled !== undefined && typeof entry.enabled !== 'boolean') {
      problems.push(`${at}.enabled must be true or false`);
    }
    if (entry.description !== undefined && typeof entry.description !== 'string') {
      problems.push(`${at}.description must be a string`);
    }
    for (const alias of aliases ?? []) {
      if (typeof alias !== 'string') continue;
      if (aliasOwners.has(alias))
        problems.push(`${at}.aliases: ${alias} is already used by keys[${aliasOwners.get(alias)}]`);
      aliasOwners.set(alias, i);
    }
    for (const key of Object.keys(entry)) {
      if (!['keyId', 'label', 'id', 'description', 'aliases', 'enabled'].includes(key))
        problems.push(`unknown setting ${at}.${key}`);
    }
    return [
      {
        keyId,
        ...(label === undefined ? {} : { label }),
        ...(idHex === undefined ? {} : { idHex }),
        description: typeof entry.description === 'string' ? entry.description : '',
        aliases: (aliases ?? []) as string[],
        enabled: entry.enabled !== false,
      },
    ];
  });
}

function readPin(env: NodeJS.ProcessEnv, pinFile: string | undefined, problems: string[]): Secret {
  if (env.QKMS_PIN !== undefined && env.QKMS_PIN !== '') return new Secret(env.QKMS_PIN);
  if (pinFile) {
    try {
      const pin = readFileSync(pinFile, 'utf8').split(/\r?\n/)[0] ?? '';
      if (pin === '') problems.push(`the PIN file ${pinFile} is empty`);
      return new Secret(pin);
    } catch (err) {
      problems.push(
        `cannot read the PIN file ${pinFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  } else {
    problems.push('no token PIN: set QKMS_PIN or QKMS_PIN_FILE (or pkcs11.pinFile)');
  }
  return new Secret('');
}

/** The PostgreSQL settings make sense together; returns the password, if any. */
function checkPostgres(
  config: QkmsConfig,
  env: NodeJS.ProcessEnv,
  problems: string[],
): Secret | null {
  const pg = config.metadata.postgres;
  if (!pg.url) {
    problems.push('metadata.store is postgres but metadata.postgres.url is not set');
    return null;
  }
  let url: URL | null = null;
  try {
    url = new URL(pg.url);
  } catch {
    problems.push('metadata.postgres.url is not a URL like postgres://user@host:5432/database');
  }
  if (url && !['postgres:', 'postgresql:'].includes(url.protocol))
    problems.push('metadata.postgres.url must start with postgres://');
  // The config file is often a ConfigMap: a password in it would be readable by too many.
  if (url?.password)
    problems.push(
      'metadata.postgres.url must not contain a password: use metadata.postgres.passwordFile or QKMS_METADATA_POSTGRES_PASSWORD',
    );
  // Its change channel is "<schema>_changes", and PostgreSQL names stop at 63 bytes.
  if (!/^[a-z_][a-z0-9_]{0,53}$/.test(pg.schema))
    problems.push(
      'metadata.postgres.schema must be a lower-case SQL identifier of at most 54 letters, digits and _',
    );
  const fromEnv = env.QKMS_METADATA_POSTGRES_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return new Secret(fromEnv);
  if (!pg.passwordFile) return null;
  try {
    const password = readFileSync(pg.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '';
    if (password === '') problems.push(`the password file ${pg.passwordFile} is empty`);
    return new Secret(password);
  } catch (err) {
    problems.push(
      `cannot read the database password file ${pg.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
    return null;
  }
}

function readCredentials(
  env: NodeJS.ProcessEnv,
  file: string | undefined,
  problems: string[],
): CredentialStore | null {
  try {
    if (env.QKMS_CREDENTIALS) {
      const text = env.QKMS_CREDENTIALS;
      return new CredentialStore(() => text);
    }
    if (file) return CredentialStore.fromFile(file);
    problems.push(
      'auth.mode is sigv4 but no credentials are configured: set auth.credentialsFile (QKMS_CREDENTIALS_FILE) or QKMS_CREDENTIALS',
    );
  } catch (err) {
    if (err instanceof CredentialsError)
      problems.push(...err.problems.map((p) => `credentials: ${p}`));
    else
      problems.push(
        `cannot read the credentials file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
  }
  return null;
}

/** Parses and validates a configuration; throws ConfigError listing every problem. */
export function loadConfig(
  yamlText: string | undefined,
  env: NodeJS.ProcessEnv,
  { serving = true }: LoadOptions = {},
): LoadedConfig {
  const problems: string[] = [];
  let tree: Tree = {};
  if (yamlText !== undefined) {
    try {
      const parsed: unknown = parseYaml(yamlText);
      if (parsed !== null && parsed !== undefined) {
        if (isTree(parsed)) tree = parsed;
        else problems.push('the config file must be a YAML mapping');
      }
    } catch (err) {
      problems.push(`the config file is not valid YAML: ${(err as Error).message}`);
    }
  }
  unknownKeys(tree, '', problems);
  const out: Tree = {};
  for (const field of CONFIG_FIELDS) {
    const fromEnv = env[field.env];
    const raw = fromEnv !== undefined && fromEnv !== '' ? fromEnv : lookup(tree, field.path);
    if (raw === undefined || raw === null) {
      if (field.default !== undefined) assign(out, field.path, field.default);
      else if (!field.optional) problems.push(`${field.path} is required (or set ${field.env})`);
      continue;
    }
    const result = coerce(field, raw, fromEnv !== undefined && fromEnv !== '');
    if ('problem' in result) problems.push(result.problem);
    else assign(out, field.path, result.value);
  }
  out.keys = adoptedKeys(tree.keys, problems);
  out.policy = parsePolicy(tree.policy, problems);
  const config = out as unknown as QkmsConfig;
  if (!/^\d{12}$/.test(String(lookup(out, 'arn.account'))))
    problems.push('arn.account must be twelve digits');
  const tls = config.tls ?? {};
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile))
    problems.push('tls.certFile and tls.keyFile go together');
  if (tls.clientCaFile && !tls.certFile)
    problems.push('tls.clientCaFile needs tls.certFile and tls.keyFile');
  if (config.auth?.mode === 'mtls' && !tls.clientCaFile)
    problems.push('auth.mode mtls needs tls.clientCaFile');
  for (const entry of config.http?.allowedHosts ?? []) {
    const problem = allowedHostProblem(entry);
    if (problem) problems.push(problem);
  }
  for (const entry of config.http?.cors?.allowedOrigins ?? []) {
    const problem = allowedOriginProblem(entry);
    if (problem) problems.push(problem);
  }
  const pin = readPin(env, config.pkcs11?.pinFile, problems);
  // Checked whenever a database is named: `qkms metadata migrate` uses it with the token store.
  const postgresPassword =
    config.metadata?.store === 'postgres' || config.metadata?.postgres?.url
      ? checkPostgres(config, env, problems)
      : null;
  const credentials =
    serving && config.auth?.mode === 'sigv4'
      ? readCredentials(env, config.auth.credentialsFile, problems)
      : null;
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: Object.freeze(config), pin, postgresPassword, credentials };
}

export function loadConfigFile(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
  options: LoadOptions = {},
): LoadedConfig {
  let text: string | undefined;
  if (path !== undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError([
        `cannot read the config file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      ]);
    }
  }
  return loadConfig(text, env, options);
}
