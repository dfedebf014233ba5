// `qkms keys`: key administration on a live token, without a running gateway. It goes through
// the same operation handlers (and so the same rules) as the API, plus `import`, which adopts
// a key pair made with the HSM's own tools (pkcs11-tool, vendor utilities).

import { randomUUID } from 'node:crypto';
import { probeCapabilities } from '../crypto/capabilities';
import type { LoadedConfig } from '../config/load';
import { serializeOutput } from '../http/wire';
import { parseInput } from '../http/parse-input';
import { adoptedMetadata, inferKeySpec, KeyCatalog } from '../keys/key-catalog';
import { KeyStore } from '../keys/key-store';
import type { OperationContext, OperationOutput } from '../operations/operation';
import { OPERATIONS } from '../operations/registry';
import { openToken } from '../gateway';
import { AuditTrail } from '../audit/audit-trail';

export interface KeysArgs {
  readonly positionals: readonly string[];
  readonly spec?: string;
  readonly description?: string;
  readonly alias?: string;
  readonly label?: string;
  readonly id?: string;
  readonly keyId?: string;
}

export const KEYS_USAGE = `usage:
  qkms keys list
  qkms keys describe KEY
  qkms keys create --spec KEY_SPEC [--description TEXT] [--alias alias/NAME]
  qkms keys alias alias/NAME KEY
  qkms keys import (--label LABEL | --id HEX) [--key-id UUID] [--description TEXT] [--alias alias/NAME]
KEY is a key id, key ARN, alias or alias ARN. Settings come from --config / QKMS_* variables.
`;

async function run(
  ctx: OperationContext,
  operation: string,
  body: Record<string, unknown>,
): Promise<OperationOutput> {
  const op = OPERATIONS.get(operation);
  if (!op) throw new Error(`no operation ${operation}`);
  return op.handle(parseInput(op.input, body) as never, ctx);
}

const print = (value: unknown): void =>
  console.log(JSON.stringify(JSON.parse(serializeOutput(value)), null, 2));

export async function runKeys({ config, pin }: LoadedConfig, args: KeysArgs): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const { client, token, description } = await openToken(config, pin);
  try {
    const catalog = new KeyCatalog(token, {
      scope: config.arn,
      adopted: config.keys,
      readOnly: config.pkcs11.readOnly,
    });
    const store = new KeyStore(token, catalog, config.pkcs11.readOnly);
    const needsProbe = sub === 'create' || sub === 'describe';
    const capabilities = needsProbe
      ? await probeCapabilities(token, description.mechanisms)
      : {
          algorithm: () => ({ ok: true as const }),
          mac: () => ({ ok: true as const }),
          keySpec: () => ({ ok: true as const }),
        };
    const { problems } = await catalog.load();
    problems.forEach((p) => console.error(`warning: ${p}`));
    // Only the API writes audit lines; the operations run here need the trail's type, not a file.
    const audit = AuditTrail.inMemory();
    const selfVerify = { enabled: false, failed: () => undefined };
    const ctx: OperationContext = {
      catalog,
      store,
      token,
      capabilities,
      scope: config.arn,
      audit,
      selfVerify,
    };
    switch (sub) {
      case 'list':
        for (const k of catalog.keys()) {
          const aliases = k.record.aliases.map((a) => a.name).join(',');
          console.log(
            [k.record.keyId, k.record.keySpec, k.record.state, k.record.origin, aliases].join('\t'),
          );
        }
        return 0;
      case 'describe':
        print(await run(ctx, 'DescribeKey', { KeyId: rest[0] }));
        return 0;
      case 'create': {
        const out = await run(ctx, 'CreateKey', {
          KeySpec: args.spec,
          KeyUsage: args.spec?.startsWith('HMAC_') ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY',
          Description: args.description ?? '',
        });
        const keyId = (out.KeyMetadata as { KeyId: string }).KeyId;
        if (args.alias)
          await run(ctx, 'CreateAlias', { AliasName: args.alias, TargetKeyId: keyId });
        console.log(keyId);
        return 0;
      }
      case 'alias':
        await run(ctx, 'CreateAlias', {
          AliasName: rest[0],
          TargetKeyId: catalog.resolve(rest[1] ?? '').record.keyId,
        });
        return 0;
      case 'import':
        return await importKey(ctx, args, config.pkcs11.readOnly);
      default:
        process.stderr.write(KEYS_USAGE);
        return 2;
    }
  } finally {
    await client.shutdown();
  }
}

async function importKey(
  ctx: OperationContext,
  args: KeysArgs,
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
  for (const alias of aliases) {
    if (ctx.catalog.aliasTargets(alias).length > 0)
      throw new Error(`alias ${alias} is already in use`);
  }
  const record = adoptedMetadata(
    keyId,
    keySpec,
    locator,
    { description: args.description ?? '', aliases, enabled: true },
    ctx.store.now(),
  );
  await ctx.store.adopt(record);
  console.log(keyId);
  return 0;
}
