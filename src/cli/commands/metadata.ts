// `qkms metadata migrate`: the command line of moving key metadata between the token and
// PostgreSQL (what it does: src/cli/metadata.ts).

import { Command, Option } from 'commander';
import { ADMIN_ENV, ADMIN_ENV_NOTE } from '../env-docs';
import { withDetails } from '../help-details';
import type { MigrateArgs, StoreKind } from '../metadata';
import type { ConfigSource } from '../config-source';
import { sourceOf, withSourceOptions } from './admin-source';

export type MigrateRun = (source: ConfigSource, args: MigrateArgs) => Promise<void>;

const STORE_KINDS: readonly StoreKind[] = ['token', 'postgres'];

const storeOption = (flags: string, description: string) =>
  new Option(flags, description).choices(STORE_KINDS).makeOptionMandatory();

function migrate(run: MigrateRun): Command {
  const command = withSourceOptions(
    new Command('migrate')
      .description('copy key records and aliases from one metadata store to the other')
      .addOption(storeOption('--from <store>', 'the store to read'))
      .addOption(storeOption('--to <store>', 'the store to write'))
      .addOption(new Option('--dry-run', 'print what would be written, and write nothing')),
  ).action(
    (o: ConfigSource & { from: StoreKind; to: StoreKind; dryRun?: boolean }, self: Command) => {
      if (o.from === o.to) self.error('error: --from and --to must name different stores');
      return run(sourceOf(o), { from: o.from, to: o.to, dryRun: o.dryRun === true });
    },
  );
  return withDetails(command, {
    notes:
      'The database is the one named by metadata.postgres.* whatever metadata.store says. Only what differs is written, as one change of the target, so running it again writes nothing; nothing is deleted from the target. Stop every gateway writing the source first, then point them at the target (metadata.store; docs/deployment.md).',
    examples: [
      'qkms metadata migrate --from token --to postgres --config /etc/qkms/qkms.yaml --dry-run',
      'qkms metadata migrate --from postgres --to token --config /etc/qkms/qkms.yaml',
    ],
  });
}

export function metadataCommand(run: MigrateRun): Command {
  const command = new Command('metadata').description(
    'move key metadata between the token and PostgreSQL',
  );
  command.addCommand(migrate(run));
  return withDetails(command, {
    notes: `Settings come from --config FILE (or QKMS_CONFIG) and QKMS_* variables, or from --data-dir DIR. ${ADMIN_ENV_NOTE}`,
    env: [
      ...ADMIN_ENV,
      {
        name: 'QKMS_METADATA_POSTGRES_PASSWORD',
        meaning: 'the database password, if not in metadata.postgres.passwordFile (never printed)',
      },
    ],
  });
}
