// `qkms dev`: the zero-configuration profile for local use and tests: a SoftHSM token with demo
// keys and a generated SigV4 credential pair, in a local data directory.

import { isAbsolute, relative } from 'node:path';
import { loadConfig } from '../config/load';
import { createLogger } from '../log/logger';
import { prepareDevCredentials } from './dev-credentials';
import { ensureDevKeys } from './dev-keys-ensure';
import { devProfileEnv } from './dev-profile';
import { readDevSettings } from './dev-settings';
import { devBanner } from './dev-banner';
import { demoKeyLabel, ensureDemoKeys, prepareDevToken } from './dev-token';
import { catchSignals } from './signals';
import { startConfigured, waitForShutdown } from './serve';

export async function runDev(dataDir: string, port: number): Promise<number> {
  // QKMS_DEV_* first: a bad value stops here, before a token or a file is made.
  const settings = readDevSettings(process.env);
  const dev = prepareDevToken(dataDir);
  const creds = prepareDevCredentials(dev.dataDir, settings.credentials);
  const authMode = process.env.QKMS_AUTH_MODE ?? 'sigv4';
  const env = {
    ...process.env,
    // The token, PIN and metadata lock: the same for `qkms keys --data-dir` on this directory.
    ...devProfileEnv(dev, process.env),
    // Loopback unless told otherwise: the container image listens on 0.0.0.0 (still SigV4).
    QKMS_LISTEN_HOST: process.env.QKMS_LISTEN_HOST ?? '127.0.0.1',
    QKMS_LISTEN_PORT: String(port),
    QKMS_AUTH_MODE: authMode,
    QKMS_CREDENTIALS_FILE: creds.credentialsFile,
    // The local docs site (`npm run serve --prefix docs/site`) may call this gateway from its
    // "Try it out" panels; an empty value allows no origin at all.
    QKMS_HTTP_CORS_ALLOWED_ORIGINS: devCorsOrigins(
      process.env.QKMS_HTTP_CORS_ALLOWED_ORIGINS,
      authMode,
    ),
  };
  const loaded = loadConfig(undefined, env);
  const log = createLogger(loaded.config.log.level);
  const signals = catchSignals(log);
  let created: string[] = [];
  let made: string[] = [];
  // Demo and QKMS_DEV_KEYS keys exist before the API answers (and before /readyz says 200), so
  // the first request after start-up finds them.
  const gateway = await startConfigured(loaded, signals, log, {
    prepare: async ({ catalog, store, capabilities }) => {
      if (settings.demoKeys)
        created = (await ensureDemoKeys(catalog, store, capabilities)).map(demoKeyLabel);
      made = await ensureDevKeys(settings.devKeys, catalog, store, capabilities);
    },
    unauthenticatedNetwork: settings.allowUnauthenticatedNetwork,
  });
  console.log(
    devBanner({
      url: gateway.url,
      dataDir: dev.dataDir,
      awsCredentialsFile: creds.awsCredentialsFile,
      region: loaded.config.arn.region,
      authenticated: loaded.config.auth.mode !== 'none',
      demoKeys: created,
      devKeys: made,
      aliases: gateway.catalog.aliases().map((a) => a.name),
      self: selfCommand(),
    }),
  );
  return waitForShutdown(gateway, signals, log);
}

/** How this command was started, to print runnable follow-ups (relative to here when inside it). */
function selfCommand(): string {
  const script = process.argv[1] ?? 'dist/cli/main.js';
  const near = relative(process.cwd(), script);
  return `node ${near.startsWith('..') || isAbsolute(near) ? script : near}`;
}

const DOCS_SITE_ORIGINS = 'http://127.0.0.1:3000,http://localhost:3000';

/**
 * The dev gateway's CORS origins: the docs site's unless told otherwise ('' turns CORS off).
 * Without authentication none by default: any script on a page at such a common dev-server
 * origin could otherwise use every key.
 */
export function devCorsOrigins(fromEnv: string | undefined, authMode: string): string | undefined {
  if (fromEnv === undefined) return authMode === 'sigv4' ? DOCS_SITE_ORIGINS : undefined;
  return fromEnv.trim() === '' ? undefined : fromEnv;
}
