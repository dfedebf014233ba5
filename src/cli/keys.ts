// `qkms keys`: key administration on a live token, without a running gateway and beside one.
// It opens the same metadata store as the gateway, so its changes take the same host lock and
// follow the same rules (the API's operation handlers), plus `import`, which adopts a key pair
// made with the HSM's own tools, and `orphans`, which finds key objects no record names.

import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { probeCapabilities, type Capabilities } from '../crypto/capabilities';
import { KEY_SPEC_TABLE, type KeySpec, type KeyUsage } from '../crypto/key-specs';
import type { LoadedConfig } from '../config/load';
import { serializeOutput } from '../http/wire';
import { parseInput } from '../http/parse-input';
import { adoptedMetadata, inferKeySpec } from '../keys/config-keys';
import type { Caller } from '../keys/key-store';
import { openKeys, type OpenedKeys } from '../keys/open-keys';
import { findOrphans } from '../keys/orphans';
import { keyIdBytesHex } from '../keys/key-reference';
import type { OperationContext, OperationOutput } from '../operations/operation';
import { assertValidAliasName } from '../operations/alias-rules';
import { keyKindUsable } from '../operations/create-key';
import { OPERATIONS } from '../operations/registry';
import { openToken } from '../gateway';
import { AuditTrail } from '../audit/audit-trail';
import { createLogger } from '../log/logger';
import { toKmsError } from '../errors/kms-error';

/** One `qkms keys` subcommand, as parsed from the command line (src/cli/commands/keys.ts). */
export type KeysCommand =
  | { readonly name: 'list' }
  | { readonly name: 'describe'; readonly key: string }
  | {
      readonly name: 'create';
      readonly spec: KeySpec;
      /** Default: the spec's first key usage. */
      readonly usage?: KeyUsage;
      readonly description?: string;
      readonly alias?: string;
    }
  | { readonly name: 'alias'; readonly alias: string; readonly key: string }
  | {
      readonly name: 'import';
      readonly label?: string;
      readonly id?: string;
      readonly keyId?: string;
      readonly description?: string;
      readonly alias?: string;
    }
  | { readonly name: 'orphans'; readonly remove: boolean };

/** Capabilities for commands that neither create nor describe keys: nothing is refused. */
const ANY_CAPABILITY: Capabilities = {
  algorithm: () => ({ ok: true as const }),
  mac: () => ({ ok: true as const }),
  keySpec: () => ({ ok: true as const }),
  encryption: () => ({ ok: true as const }),
  keyAgreement: () => ({ ok: true as const }),
  random: () => ({ ok: true as const }),
};

const print = (value: unknown): void =>
  console.log(JSON.stringify(JSON.parse(serializeOutput(value)), null, 2));

export async function runKeys(
  { config, pin, postgresPassword }: LoadedConfig,
  command: KeysCommand,
): Promise<number> {
  const { client, token, description } = await openToken(config, pin);
  // Changes are audited like the API's when there is an audit file; never onto stdout here.
  const audit = config.audit?.file ? AuditTrail.open(config.audit.file) : AuditTrail.inMemory();
  let keys: OpenedKeys | null = null;
  try {
    keys = await openKeys({
      token,
      description,
      config,
      log: createLogger('warn'),
      audit,
      now: undefined,
      poll: false,
      postgresPassword,
    });
    const needsProbe = command.name === 'create' || command.name === 'describe';
    const capabilities = needsProbe
      ? await probeCapabilities(token, description.mechanisms)
      : ANY_CAPABILITY;
    const ctx: OperationContext = {
      catalog: keys.catalog,
      store: keys.store,
      token,
      capabilities,
      scope: config.arn,
      audit,
      selfVerify: { enabled: false, failed: () => undefined },
    };
    return await subcommand(command, ctx, keys, config.pkcs11.readOnly);
  } finally {
    keys?.stopPolling();
    await keys?.metadata.close();
    await audit.close();
    await client.shutdown();
  }
}

function subcommand(
  command: KeysCommand,
  ctx: OperationContext,
  keys: OpenedKeys,
  readOnly: boolean,
): Promise<number> {
  switch (command.name) {
    case 'list':
      for (const k of ctx.catalog.keys()) {
        const { keyId, keySpec, state, origin } = k.record;
        console.log([keyId, keySpec, state, origin, k.aliases.join(',')].join('\t'));
      }
      return Promise.resolve(0);
    case 'describe':
      return run(ctx, 'DescribeKey', { KeyId: command.key }).then((out) => (print(out), 0));
    case 'create':
      return createKey(ctx, command);
    case 'alias':
      return run(ctx, 'CreateAlias', {
        AliasName: command.alias,
        TargetKeyId: ctx.catalog.resolve(command.key).record.keyId,
      }).then(() => 0);
    case 'import':
      return importKey(ctx, command, readOnly);
    case 'orphans':
      return orphans(ctx, keys, command.remove);
  }
}

function cliCaller(): Caller {
  return { requestId: randomUUID(), principal: `cli:${userInfo().username}`, source: 'qkms keys' };
}

/** Runs an API operation as a request would, with its outcome audit line. */
function run(
  ctx: OperationContext,
  operation: string,
  body: Record<string, unknown>,
): Promise<OperationOutput> {
  const op = OPERATIONS.get(operation);
  if (!op) throw new Error(`no operation ${operation}`);
  return audited(ctx, operation, (caller) =>
    op.handle(parseInput(op.input, body) as never, ctx, caller),
  );
}

/** Runs a change with a fresh caller, then writes its outcome line (details come from its intent). */
async function audited<T>(
  ctx: OperationContext,
  operation: string,
  work: (caller: Caller) => Promise<T>,
): Promise<T> {
  const caller = cliCaller();
  const line = (error?: string) => {
    try {
      ctx.audit.record({
        time: new Date().toISOString(),
        ...caller,
        operation,
        keyArn: null,
        keyId: null,
        outcome: error ? 'failure' : 'success',
        ...(error ? { error } : {}),
      });
    } catch (err) {
      console.error(`warning: the audit outcome line was not written: ${String(err)}`);
    }
  };
  try {
    const out = await work(caller);
    line();
    return out;
  } catch (err) {
    line(toKmsError(err).name);
    throw err;
  }
}

/** Creates a key, with its alias in the same change (a crash leaves both or neither). */
async function createKey(
  ctx: OperationContext,
  args: Extract<KeysCommand, { name: 'create' }>,
): Promise<number> {
  const spec = args.spec;
  const usages = KEY_SPEC_TABLE[spec].keyUsages;
  const usage = args.usage ?? (usages[0] as KeyUsage);
  if (!usages.includes(usage))
    throw new Error(`${spec} keys take key usage ${usages.join(' or ')}, not ${usage}`);
  const capability = keyKindUsable(ctx.capabilities, spec, usage);
  if (!capability.ok)
    throw new Error(
      `${spec} keys with key usage ${usage} are not available on this HSM: ${capability.reason}`,
    );
  if (args.alias) assertValidAliasName(args.alias);
  const entry = await audited(ctx, 'CreateKey', (caller) =>
    ctx.store.createKey(
      {
        keySpec: spec,
        keyUsage: usage,
        description: args.description ?? '',
        tags: [],
        aliases: args.alias ? [args.alias] : [],
      },
      caller,
    ),
  );
  console.log(entry.record.keyId);
  return 0;
}

async function importKey(
  ctx: OperationContext,
  args: Extract<KeysCommand, { name: 'import' }>,
  readOnly: boolean,
): Promise<number> {
  const locator = {
    ...(args.id ? { idHex: args.id.toLowerCase() } : {}),
    ...(args.label ? { label: args.label } : {}),
  };
  if (!locator.idHex && !locator.label) throw new Error('keys import needs --label or --id');
  const info = await ctx.token.findKey(locator);
  if (!info) throw new Error(`no key in the token matches ${JSON.stringify(locator)}`);
  if (!info.hasPrivateKey)
    console.error(
      'warning: the token holds only the public key: the imported key can verify but not sign',
    );
  const keySpec = inferKeySpec(info.publicKey);
  if (!keySpec)
    throw new Error(
      'the key type has no KMS key spec QKMS can infer (RSA 2048/3072/4096, P-256/384/521, secp256k1, Ed25519)',
    );
  const keyId = args.keyId ?? randomUUID();
  const aliases = args.alias ? [args.alias] : [];
  if (readOnly) {
    // No writes allowed: hand the operator the config entry instead.
    console.log(
      `# read-only token: add this to the "keys" list of the config file\n- keyId: ${keyId}\n  ${locator.label ? `label: ${locator.label}` : `id: ${locator.idHex}`}\n  description: ${JSON.stringify(args.description ?? '')}\n  aliases: [${aliases.join(', ')}]`,
    );
    return 0;
  }
  for (const alias of aliases) assertValidAliasName(alias);
  const record = adoptedMetadata(
    keyId,
    keySpec,
    locator,
    { description: args.description ?? '', enabled: true },
    ctx.store.now(),
  );
  await audited(ctx, 'CreateKey', (caller) => ctx.store.adopt(record, aliases, caller));
  console.log(keyId);
  return 0;
}

/** Lists (and with --remove destroys) key objects QKMS made that no record names. */
async function orphans(ctx: OperationContext, keys: OpenedKeys, remove: boolean): Promise<number> {
  const { orphans: found, unlabelled } = await findOrphans(ctx.token, keys.metadata, keys.config);
  for (const orphan of found) {
    if (remove) await ctx.token.destroyKey({ idHex: keyIdBytesHex(orphan.keyId) });
    console.log([orphan.keyId, orphan.objects.join(','), remove ? 'removed' : 'orphan'].join('\t'));
  }
  if (found.length === 0) console.error('no orphan key objects');
  if (unlabelled > 0)
    console.error(
      `note: ${unlabelled} key object(s) have neither CKA_ID nor CKA_LABEL; SoftHSM leaves such objects when killed inside key generation. They cannot be attributed, so QKMS leaves them alone (pkcs11-tool --list-objects shows them).`,
    );
  return 0;
}
