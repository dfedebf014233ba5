// `qkms dev`: the zero-configuration profile for local use and tests.

import { loadConfig } from '../config/load';
import { startGateway } from '../gateway';
import { createLogger } from '../log/logger';
import {
  DEV_TOKEN_LABEL,
  demoAlias,
  ensureDemoKeys,
  prepareDevToken,
  SOFTHSM_MODULE,
} from './dev-token';
import { waitForShutdown } from './serve';

export async function runDev(dataDir: string, port: number): Promise<number> {
  const dev = prepareDevToken(dataDir);
  const env = {
    ...process.env,
    QKMS_TOKEN_LABEL: DEV_TOKEN_LABEL,
    QKMS_PIN_FILE: dev.pinFile,
    QKMS_PKCS11_MODULE: process.env.QKMS_PKCS11_MODULE ?? SOFTHSM_MODULE,
    QKMS_LISTEN_HOST: '127.0.0.1',
    QKMS_LISTEN_PORT: String(port),
  };
  const { config, pin } = loadConfig(undefined, env);
  const log = createLogger(config.log.level);
  let created: string[] = [];
  // Demo keys exist before the API answers, so the first request after start-up finds them.
  const gateway = await startGateway(config, pin, log, {
    prepare: async ({ catalog, store, capabilities }) => {
      created = await ensureDemoKeys(catalog, store, capabilities);
    },
  });
  const aliases = gateway.catalog.aliases().map((a) => a.name);
  console.log(`
QKMS dev gateway on ${gateway.url}  (token "${DEV_TOKEN_LABEL}" in ${dev.dataDir})
NO AUTHENTICATION: it listens on 127.0.0.1 only. Any credentials work for the AWS CLI/SDK.
${created.length > 0 ? `Created demo keys: ${created.join(', ')}\n` : ''}Aliases: ${aliases.join(', ')}

Try:
  AWS_ACCESS_KEY_ID=dev AWS_SECRET_ACCESS_KEY=dev AWS_DEFAULT_REGION=${config.arn.region} \\
    aws kms sign --endpoint-url ${gateway.url} --key-id ${demoAlias('ECC_NIST_P256')} \\
    --message fileb://<(printf hello) --message-type RAW --signing-algorithm ECDSA_SHA_256
`);
  return waitForShutdown(gateway, log);
}
