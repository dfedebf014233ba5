// `qkms serve`: the command line of the production gateway (what it does: src/cli/serve.ts).

import { Command } from 'commander';
import { SERVE_ENV } from '../env-docs';
import { withDetails } from '../help-details';
import { configOption } from '../options';

export interface ServeOptions {
  readonly config?: string;
}

export function serveCommand(run: (options: ServeOptions) => Promise<void>): Command {
  const command = new Command('serve')
    .description('run the gateway from a config file and QKMS_* variables, until SIGTERM or SIGINT')
    .addOption(configOption())
    .action((options: ServeOptions) => run(options));
  return withDetails(command, {
    notes:
      'On SIGTERM or SIGINT it stops accepting, finishes in-flight requests, closes the token and exits within 24 s whatever the HSM does: 0 when everything closed cleanly, 1 when something could not be (docs/operations.md). SIGHUP re-reads the credentials file. With `workers` above 1 this process is the cluster primary and forks the workers.',
    env: SERVE_ENV,
    examples: [
      'qkms serve --config /etc/qkms/qkms.yaml',
      'QKMS_PIN_FILE=/run/secrets/qkms-pin qkms serve --config config/production.example.yaml',
      'QKMS_CONFIG=/etc/qkms/qkms.yaml QKMS_WORKERS=auto qkms serve',
    ],
  });
}
