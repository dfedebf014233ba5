// Where the throwaway test token is and how to start QKMS on it inside a test file.

import { KMSClient } from '@aws-sdk/client-kms';
import { loadConfig } from '../../src/config/load';
import type { AdoptedKeyConfig } from '../../src/config/schema';
import { startGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/log/logger';

export const TEST_TOKEN_LABEL = 'qkms-test';

export function testTokenEnv(): Record<string, string> {
  const dataDir = process.env.QKMS_TEST_DATA_DIR;
  const pinFile = process.env.QKMS_TEST_PIN_FILE;
  if (!dataDir || !pinFile)
    throw new Error('the test token is missing: run through jest (global-setup.ts)');
  return {
    SOFTHSM2_CONF: `${dataDir}/softhsm2.conf`,
    QKMS_TOKEN_LABEL: TEST_TOKEN_LABEL,
    QKMS_PIN_FILE: pinFile,
    QKMS_LISTEN_HOST: '127.0.0.1',
    QKMS_LISTEN_PORT: '0',
    // Most tests are about KMS semantics, not authentication: auth.test.ts turns SigV4 on.
    QKMS_AUTH_MODE: 'none',
    QKMS_AUDIT_FILE: `${dataDir}/audit.log`,
    QKMS_METRICS_PORT: '0',
    // Every process of the test token (in-process gateways, daemons, qkms keys) shares one lock.
    QKMS_METADATA_LOCK_DIR: dataDir,
  };
}

export interface TestGateway {
  readonly gateway: Gateway;
  readonly kms: KMSClient;
  close(): Promise<void>;
}

/** Starts QKMS in this process on the test token, with a real @aws-sdk/client-kms pointed at it. */
export async function startTestGateway(
  options: {
    keys?: AdoptedKeyConfig[];
    /** Key policy statements, as in the config file's `policy` list. */
    policy?: unknown[];
    env?: Record<string, string>;
    now?: () => number;
    clientCredentials?: { accessKeyId: string; secretAccessKey: string };
    /** As QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK=true does for `qkms dev`. */
    unauthenticatedNetwork?: boolean;
  } = {},
): Promise<TestGateway> {
  const env = { ...testTokenEnv(), ...options.env };
  process.env.SOFTHSM2_CONF = env.SOFTHSM2_CONF;
  const document = {
    ...(options.keys
      ? { keys: options.keys.map(({ idHex, ...k }) => ({ ...k, ...(idHex ? { id: idHex } : {}) })) }
      : {}),
    ...(options.policy ? { policy: options.policy } : {}),
  };
  const keysYaml = Object.keys(document).length > 0 ? JSON.stringify(document) : undefined;
  const { config, pin, credentials, postgresPassword } = loadConfig(keysYaml, env);
  const gateway = await startGateway(config, pin, createLogger('silent'), {
    credentials,
    // Gateways given a test database's settings (options.env) are replicas of one store.
    postgresPassword,
    ...(options.now ? { now: options.now } : {}),
    ...(options.unauthenticatedNetwork ? { unauthenticatedNetwork: true } : {}),
  });
  const kms = new KMSClient({
    endpoint: gateway.url,
    region: 'us-east-1',
    credentials: options.clientCredentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    gateway,
    kms,
    async close() {
      kms.destroy();
      await gateway.close();
    },
  };
}
