// `qkms keys …`: the command line of key administration on the token (what each subcommand
// does: src/cli/keys.ts). Every subcommand takes --config or --data-dir.

import { Argument, Command, Option } from 'commander';
import { KEY_SPECS, KEY_USAGES, type KeySpec, type KeyUsage } from '../../crypto/key-specs';
import { ADMIN_ENV, ADMIN_ENV_NOTE } from '../env-docs';
import { withDetails } from '../help-details';
import type { KeysCommand } from '../keys';
import type { ConfigSource } from '../config-source';
import { parseAliasName, parseHexId, parseKeyId } from '../options';
import { givenOptions, sourceOf, withSourceOptions } from './admin-source';

export type KeysRun = (source: ConfigSource, command: KeysCommand) => Promise<void>;

const KEY_ARGUMENT = 'a key id, key ARN, alias (alias/NAME) or alias ARN';

const descriptionOption = () =>
  new Option('--description <text>', 'the key description (DescribeKey shows it)');
const aliasOption = () =>
  new Option('--alias <alias>', 'also create this alias (alias/NAME) for the key').argParser(
    parseAliasName,
  );

interface Shared extends ConfigSource {
  readonly description?: string;
  readonly alias?: string;
}

function list(run: KeysRun): Command {
  const command = withSourceOptions(
    new Command('list').description(
      'print one tab-separated line per key: key id, key spec, state, origin, aliases',
    ),
  ).action((o: ConfigSource) => run(sourceOf(o), { name: 'list' }));
  return withDetails(command, {
    examples: [
      'qkms keys list --data-dir .qkms-dev',
      'qkms keys list --config /etc/qkms/qkms.yaml',
    ],
  });
}

function describe(run: KeysRun): Command {
  const command = withSourceOptions(
    new Command('describe')
      .description("print the key's KeyMetadata as DescribeKey returns it (JSON)")
      .addArgument(new Argument('<key>', KEY_ARGUMENT)),
  ).action((key: string, o: ConfigSource) => run(sourceOf(o), { name: 'describe', key }));
  return withDetails(command, {
    examples: ['qkms keys describe alias/demo-ecc-nist-p256 --data-dir .qkms-dev'],
  });
}

function create(run: KeysRun): Command {
  const command = withSourceOptions(
    new Command('create')
      .description(
        'create a key in the token, with its alias in the same change; prints its key id',
      )
      .addOption(
        new Option('--spec <spec>', 'the KMS key spec').choices(KEY_SPECS).makeOptionMandatory(),
      )
      .addOption(
        new Option(
          '--usage <usage>',
          "the key usage (default: the spec's first: SIGN_VERIFY for RSA and ECC, ENCRYPT_DECRYPT for SYMMETRIC_DEFAULT, GENERATE_VERIFY_MAC for HMAC)",
        ).choices(KEY_USAGES),
      )
      .addOption(descriptionOption())
      .addOption(aliasOption()),
  ).action((o: Shared & { spec: KeySpec; usage?: KeyUsage }) =>
    run(sourceOf(o), {
      name: 'create',
      // One of KEY_SPECS (and KEY_USAGES): commander has checked them against the choices.
      spec: o.spec,
      ...givenOptions(o, ['usage', 'description', 'alias']),
    }),
  );
  return withDetails(command, {
    notes:
      'A key spec the token cannot generate (SM2 and ML-DSA on SoftHSM), or a usage the spec does not take or the token cannot serve, is refused with the reason.',
    examples: [
      'qkms keys create --spec ECC_NIST_P384 --alias alias/reports --data-dir .qkms-dev',
      'qkms keys create --spec RSA_2048 --usage ENCRYPT_DECRYPT --alias alias/inbox --data-dir .qkms-dev',
      'qkms keys create --spec RSA_3072 --description "release signing" --config /etc/qkms/qkms.yaml',
    ],
  });
}

function alias(run: KeysRun): Command {
  const command = withSourceOptions(
    new Command('alias')
      .description('create an alias for a key (as CreateAlias does)')
      .addArgument(new Argument('<alias>', 'the new alias, alias/NAME').argParser(parseAliasName))
      .addArgument(new Argument('<key>', KEY_ARGUMENT)),
  ).action((name: string, key: string, o: ConfigSource) =>
    run(sourceOf(o), { name: 'alias', alias: name, key }),
  );
  return withDetails(command, {
    examples: [
      'qkms keys alias alias/wallet 5f0c7a9e-3b7d-4c1e-9a55-2a1d8e4b6c10 --data-dir .qkms-dev',
    ],
  });
}

function importKey(run: KeysRun): Command {
  const command = withSourceOptions(
    new Command('import')
      .description(
        "adopt a key pair made with the HSM's own tools (found by --label and/or --id); prints its key id",
      )
      .addOption(new Option('--label <label>', 'CKA_LABEL of the key pair'))
      .addOption(
        new Option('--id <hex>', 'CKA_ID of the key pair, as hex bytes').argParser(parseHexId),
      )
      .addOption(
        new Option(
          '--key-id <uuid>',
          'the key id clients will use (default: a new UUID)',
        ).argParser(parseKeyId),
      )
      .addOption(descriptionOption())
      .addOption(aliasOption()),
  ).action((o: Shared & { label?: string; id?: string; keyId?: string }, self: Command) => {
    if (o.label === undefined && o.id === undefined)
      self.error('error: keys import needs --label <label> or --id <hex> to find the key pair');
    return run(sourceOf(o), {
      name: 'import',
      ...givenOptions(o, ['label', 'id', 'keyId', 'description', 'alias']),
    });
  });
  return withDetails(command, {
    notes:
      'The key spec is read from the key itself. On a read-only token (pkcs11.readOnly) nothing is written: the config entry to add to the `keys` list is printed instead.',
    examples: [
      'qkms keys import --label payments-signing-2026 --alias alias/payments --config /etc/qkms/qkms.yaml',
      'qkms keys import --id 0a1b2c3d --key-id 5f0c7a9e-3b7d-4c1e-9a55-2a1d8e4b6c10 --data-dir .qkms-dev',
    ],
  });
}

function orphans(run: KeysRun): Command {
  const command = withSourceOptions(
    new Command('orphans')
      .description('list key objects QKMS made that no key record names (left by crashes)')
      .addOption(new Option('--remove', 'destroy them')),
  ).action((o: ConfigSource & { remove?: boolean }) =>
    run(sourceOf(o), { name: 'orphans', remove: o.remove === true }),
  );
  return withDetails(command, {
    notes:
      'Keys being created right now are never listed. Key objects with neither CKA_ID nor CKA_LABEL are counted but left alone.',
    examples: [
      'qkms keys orphans --config /etc/qkms/qkms.yaml',
      'qkms keys orphans --remove --data-dir .qkms-dev',
    ],
  });
}

export function keysCommand(run: KeysRun): Command {
  const command = new Command('keys').description(
    'administer keys on the token, with or without a gateway running beside',
  );
  for (const sub of [list, describe, create, alias, importKey, orphans])
    command.addCommand(sub(run));
  return withDetails(command, {
    notes: `Every subcommand opens the token as a gateway does and goes through the same metadata store: changes wait for the host's metadata lock (metadata.lockDir), are written to the audit trail when audit.file is set, and are seen by running gateways at once. Settings come from --config FILE (or QKMS_CONFIG) and QKMS_* variables, or from --data-dir DIR. ${ADMIN_ENV_NOTE}`,
    env: ADMIN_ENV,
    examples: [
      'qkms keys list --data-dir .qkms-dev',
      'qkms keys create --spec ECC_NIST_P384 --alias alias/reports --config /etc/qkms/qkms.yaml',
      'qkms keys create --help',
    ],
  });
}
