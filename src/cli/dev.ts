// `qkms dev`: the zero-configuration profile for local use and tests: a SoftHSM token with demo
// keys and a generated SigV4 credential pair, in a local data directory.

import { isAbsolute, relative } from 'node:path';
import { loadConfig } from '../config/load';
import { createLogger } from '../log/logger';
import {
  DEV_TOKEN_LABEL,
  demoAlias,
  ensureDemoKeys,
  prepareDevCredentials,
  prepareDevToken,
} from './dev-token';
import { devProfileEnv } from './dev-profile';
import { catchSignals } from './signals';
import { startConfigured, waitForShutdown } from './serve';

export async function runDev(dataDir: string, port: number): Promise<number> {
  const dev = prepareDevToken(dataDir);
  const creds = prepareDevCredentials(dev.dataDir);
  const env = {
    ...process.env,
    // The token, PIN and metadata lock: the same for `qkms keys --data-dir` on this directory.
    ...devProfileEnv(dev, process.env),
    // Loopback unless told otherwise: the container image listens on 0.0.0.0 (still SigV4).
    QKMS_LISTEN_HOST: process.env.QKMS_LISTEN_HOST ?? '127.0.0.1',
    QKMS_LISTEN_PORT: String(port),
    QKMS_AUTH_MODE: process.env.QKMS_AUTH_MODE ?? 'sigv4',
    QKMS_CREDENTIALS_FILE: creds.credentialsFile,
    // The local docs site (`npm run serve --prefix docs/site`) may call this gateway from its
    // "Try it out" panels; an empty value allows no origin at all.
    QKMS_HTTP_CORS_ALLOWED_ORIGINS: devCorsOrigins(process.env.QKMS_HTTP_CORS_ALLOWED_ORIGINS),
  };
  const loaded = loadConfig(undefined, env);
  const log = createLogger(loaded.config.log.level);
  const signals = catchSignals(log);
  let created: string[] = [];
  // Demo keys exist before the API answers, so the first request after start-up finds them.
  const gateway = await startConfigured(loaded, signals, log, {
    prepare: async ({ catalog, store, capabilities }) => {
      created = await ensureDemoKeys(catalog, store, capabilities);
    },
  });
  const aliases = gateway.catalog.aliases().map((a) => a.name);
  console.log(`
QKMS dev gateway on ${gateway.url}  (token "${DEV_TOKEN_LABEL}" in ${dev.dataDir})
${created.length > 0 ? `Created demo keys: ${created.join(', ')}\n` : ''}Aliases: ${aliases.join(', ')}

Requests must be signed (SigV4) with the dev credentials in ${creds.awsCredentialsFile}:
  export AWS_SHARED_CREDENTIALS_FILE=${creds.awsCredentialsFile} AWS_PROFILE=qkms-dev AWS_DEFAULT_REGION=${loaded.config.arn.region}
  printf hello > msg.txt
  aws kms sign --endpoint-url ${gateway.url} --key-id ${demoAlias('ECC_NIST_P256')} \\
    --message fileb://msg.txt --message-type RAW --signing-algorithm ECDSA_SHA_256

Keys on this token from the command line (no credentials needed): ${selfCommand()} keys --help
  ${selfCommand()} keys list --data-dir ${dev.dataDir}
`);
  return waitForShutdown(gateway, signals, log);
}

/** How this command was started, to print runnable follow-ups (relative to here when inside it). */
function selfCommand(): string {
  const script = process.argv[1] ?? 'dist/cli/main.js';
  const near = relative(process.cwd(), script);
  return `node ${near.startsWith('..') || isAbsolute(near) ? script : near}`;
}

const DOCS_SITE_ORIGINS = 'http://127.0.0.1:3000,http://localhost:3000';

/** The dev gateway's CORS origins: the docs site's unless told otherwise; '' turns CORS off. */
export function devCorsOrigins(fromEnv: string | undefined): string | undefined {
  if (fromEnv === undefined) return DOCS_SITE_ORIGINS;
  return fromEnv.trim() === '' ? undefined : fromEnv;
}
