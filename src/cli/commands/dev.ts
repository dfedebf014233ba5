// `qkms dev`: the command line of the local SoftHSM profile (what it does: src/cli/dev.ts).

import { Command, Option } from 'commander';
import { DEV_ENV } from '../env-docs';
import { withDetails } from '../help-details';
import { parsePort } from '../options';

export interface DevOptions {
  readonly dataDir: string;
  readonly port: number;
}

export const DEFAULT_DEV_DATA_DIR = '.qkms-dev';

export function devCommand(run: (options: DevOptions) => Promise<void>): Command {
  const command = new Command('dev')
    .description('run the gateway on a local SoftHSM token with demo keys, created on first run')
    .addOption(
      new Option(
        '--data-dir <dir>',
        'where the token, its PINs and the SigV4 credentials live (created if missing)',
      ).default(DEFAULT_DEV_DATA_DIR),
    )
    .addOption(
      new Option('--port <port>', 'TCP port of the API (0 picks a free one)')
        .argParser(parsePort)
        .default(8080),
    )
    .action((options: DevOptions) => run(options));
  return withDetails(command, {
    notes:
      'The first run creates a SoftHSM2 token in the data directory with random PINs (user.pin, so.pin; owner-only), one demo key per key spec the token supports (unless QKMS_DEV_DEMO_KEYS=false), and a SigV4 key pair for principal "dev" (credentials.yaml, and aws-credentials with profile qkms-dev), or the pair QKMS_DEV_ACCESS_KEY_ID and QKMS_DEV_SECRET_ACCESS_KEY give. Later runs reuse them. Every start also makes the keys and aliases QKMS_DEV_KEYS names that the token lacks, before the API answers. Requests must be signed with the dev pair unless QKMS_AUTH_MODE=none. It stops on SIGTERM or SIGINT as `qkms serve` does. Administer the same token with `qkms keys --data-dir DIR`.',
    env: DEV_ENV,
    examples: [
      'qkms dev',
      'qkms dev --data-dir /tmp/qkms --port 9090',
      'QKMS_LISTEN_HOST=0.0.0.0 qkms dev --data-dir /var/lib/qkms  # as the dev container image does',
      'QKMS_DEV_KEYS=alias/app=ECC_NIST_P256,alias/mac=HMAC_256 qkms dev  # two more keys, each with an alias',
    ],
  });
}
