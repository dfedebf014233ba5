// Assembles a running gateway from a validated configuration: token thread, capability probe,
// key catalog, HTTP listener. Used by `qkms serve`, `qkms dev` and the integration tests.

import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import type { Registry } from 'prom-client';
import { EXIT } from './cli/exit-codes';
import { probeCapabilities, type Capabilities } from './crypto/capabilities';
import type { QkmsConfig } from './config/schema';
import type { Secret } from './config/secret';
import { createRequestListener } from './http/app';
import { hostMatcher } from './http/allowed-hosts';
import { createListener } from './http/listener';
import { createHealthServer, expose } from './http/health-listener';
import { Admission } from './http/admission';
import { trackConnections } from './http/connection-drain';
import { createMetrics, type GatewayMetrics } from './metrics/gateway-metrics';
import type { SelfVerify } from './operations/operation';
import { VERSION } from './version';
import { clientCertificatePrincipal } from './auth/client-certificate';
import type { KeyCatalog } from './keys/key-catalog';
import type { KeyStore } from './keys/key-store';
import { openKeys, type OpenedKeys } from './keys/open-keys';
import { AuditTrail } from './audit/audit-trail';
import { Policy } from './auth/policy';
import type { Logger } from './log/logger';
import {
  CLOSE_DEADLINE_MS,
  THREAD_END_LIMIT_MS,
  TokenClient,
  TokenCloseError,
  tokenProxy,
} from './pkcs11/token-client';
import { TokenError } from './pkcs11/token-error';
import type { CredentialStore } from './auth/credential-store';
import { verifySigV4, type RequestParts } from './auth/sigv4-verifier';
import type { TokenApi, TokenDescription } from './pkcs11/token-api';

export interface Gateway {
  readonly url: string;
  /** The operations listener: /metrics, /healthz, /readyz (null in a cluster worker). */
  readonly metricsUrl: string | null;
  /** This process's metrics. */
  readonly registry: Registry;
  /** Whether the token is open, logged in and answering within a second. */
  ready(): Promise<boolean>;
  readonly token: TokenApi;
  readonly catalog: KeyCatalog;
  readonly store: KeyStore;
  readonly capabilities: Capabilities;
  readonly description: TokenDescription;
  /**
   * Stops accepting, lets in-flight requests finish, closes the metadata store and the token,
   * then every listener, within SHUTDOWN_LIMIT_MS whatever the HSM does. Rejects with a
   * ShutdownError when something could not be closed cleanly (the listeners are closed anyway).
   */
  close(): Promise<void>;
}

/** How long in-flight requests get to finish at shutdown before their connections are cut. */
const SHUTDOWN_DRAIN_MS = 10_000;
/**
 * How long the metadata store gets to finish a change in progress and close. Its close waits
 * for that change, whose token calls each have a deadline; a database pool waits for its
 * queries. Past it the store is left as it is: nothing of it outlives the process.
 */
const METADATA_CLOSE_MS = 2000;
/** The longest a shutdown takes: drain, metadata store, token, token thread (docs/operations.md). */
export const SHUTDOWN_LIMIT_MS =
  SHUTDOWN_DRAIN_MS + METADATA_CLOSE_MS + CLOSE_DEADLINE_MS + THREAD_END_LIMIT_MS;

/** A shutdown that finished with something not closed cleanly; `problems` says what. */
export class ShutdownError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** The token thread is inside a PKCS#11 call that never returned: see TokenCloseError. */
    readonly tokenThreadStuck: boolean,
  ) {
    super(`shutdown was not clean: ${problems.join('; ')}`);
  }
}

export interface OpenedToken {
  readonly client: TokenClient;
  readonly token: TokenApi;
  readonly description: TokenDescription;
}

export async function openToken(config: QkmsConfig, pin: Secret): Promise<OpenedToken> {
  const client = new TokenClient(config.pkcs11.callTimeoutMs);
  const token = tokenProxy(client);
  try {
    const description = await token.open({
      modulePath: config.pkcs11.module,
      tokenLabel: config.pkcs11.tokenLabel,
      pin: pin.reveal(),
      poolSize: config.pkcs11.sessions,
      acquireTimeoutMs: config.pkcs11.acquireTimeoutMs,
      readOnly: config.pkcs11.readOnly,
    });
    return { client, token, description };
  } catch (err) {
    await client.shutdown().catch(() => undefined);
    throw startupError(config.pkcs11.tokenLabel, err);
  }
}

/** A start-up failure an operator can act on; EXIT.pinRefused (78) means "do not restart". */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const PIN_FAILURES = [
  'CKR_PIN_INCORRECT',
  'CKR_PIN_LOCKED',
  'CKR_PIN_EXPIRED',
  'CKR_PIN_INVALID',
  'CKR_PIN_LEN_RANGE',
];

function startupError(label: string, err: unknown): Error {
  const cause = err instanceof Error ? err.cause : undefined;
  if (!(cause instanceof TokenError)) return err instanceof Error ? err : new Error(String(err));
  if (PIN_FAILURES.includes(cause.ckr)) {
    // Restarting would log in again with the same PIN; HSMs lock it after a few failures.
    return new StartupError(
      `login to token "${label}" failed with ${cause.ckr}. QKMS never retries a PIN: fix it before restarting (exit code 78 tells supervisors not to restart).`,
      EXIT.pinRefused,
    );
  }
  return new StartupError(`cannot open token "${label}": ${cause.message}`, 1);
}

export interface GatewayOptions {
  /** Clock in epoch seconds (tests move it to cross the deletion window). */
  readonly now?: () => number;
  /** Access keys for SigV4; required when auth.mode is sigv4. */
  readonly credentials?: CredentialStore | null;
  /** The metadata database's password (metadata.store postgres). */
  readonly postgresPassword?: Secret | null;
  /**
   * Whether this process runs the operations listener; a cluster worker does not (the primary
   * runs it and asks the workers).
   */
  readonly operationsListener?: boolean;
  /**
   * `qkms dev` only (QKMS_DEV_ALLOW_UNAUTHENTICATED_NETWORK): auth.mode none on a non-loopback
   * listen.host, for a throwaway container whose published port must reach the API; requests
   * addressed to an IP address are answered then too. `qkms serve` never sets it.
   */
  readonly unauthenticatedNetwork?: boolean;
  /** Runs after the catalog is loaded and before the API listens (e.g. `qkms dev` demo keys). */
  readonly prepare?: (parts: {
    catalog: KeyCatalog;
    store: KeyStore;
    capabilities: Capabilities;
  }) => Promise<void>;
}

export async function startGateway(
  config: QkmsConfig,
  pin: Secret,
  log: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  const { client, token, description } = await openToken(config, pin);
  // A token that does not answer within a second is not ready, whatever it would say later.
  const quickStats = () => client.call('stats', [], 1000);
  const admission = new Admission({
    maxInFlight: config.http.maxInFlight,
    requestsPerSecond: config.rateLimit.requestsPerSecond,
    burst: config.rateLimit.burst,
  });
  const metrics = createMetrics({
    tokenStats: quickStats,
    inFlight: () => admission.inFlight,
    version: VERSION,
  });
  client.observe = (method, mechanism, seconds, ckr) =>
    metrics.tokenCall(method, mechanism, seconds, ckr);
  // Without its token thread this process can only refuse requests: end it, so that its
  // supervisor (the cluster primary, systemd, the kubelet) starts a fresh one.
  client.onDeath = (err) => {
    log.fatal(
      { err: String(err) },
      'the token thread ended; exiting so a fresh process takes over',
    );
    process.exit(EXIT.tokenThreadEnded);
  };
  let closing = false;
  // Not ready before the start-up self-test (the capability probe signs and verifies with every
  // algorithm) has passed, the keys are loaded and the API listens.
  let started = false;
  // The metadata store counts too: a replica that lost its database is not ready.
  const ready = async () =>
    started &&
    !closing &&
    (keys?.metadata.health().ready ?? false) &&
    (await quickStats()).loggedIn;
  const health = createHealthServer({
    metrics: expose(metrics.registry),
    ready,
  });
  let keys: OpenedKeys | null = null;
  try {
    const operationsListener = options.operationsListener !== false;
    if (operationsListener) await listen(health, config.metrics.host, config.metrics.port);
    log.info(
      {
        token: description.label,
        manufacturer: description.manufacturer,
        model: description.model,
      },
      'token open',
    );
    const capabilities = await probeCapabilities(token, description.mechanisms);
    const audit = AuditTrail.open(config.audit?.file);
    keys = await openKeys({
      token,
      description,
      config,
      log,
      audit,
      now: options.now,
      poll: true,
      postgresPassword: options.postgresPassword ?? null,
    });
    const { catalog, store } = keys;
    await options.prepare?.({ catalog, store, capabilities });
    const authenticator = authenticatorFor(config, options.credentials ?? null);
    if (config.auth.mode === 'none' && config.http.cors?.allowedOrigins) {
      log.warn(
        { allowedOrigins: config.http.cors.allowedOrigins },
        'http.cors.allowedOrigins without authentication: any script on these origins may use and change every key',
      );
    }
    if (config.auth.mode === 'sigv4' && config.policy === null) {
      log.warn(
        'no key policy configured: every authenticated principal may use and change every key',
      );
    }
    options.credentials?.watch((result) => reportReload(log, result));
    const selfVerify = selfVerifyFor(config, metrics, log);
    const app = createRequestListener({
      ctx: { catalog, store, token, capabilities, scope: config.arn, audit, selfVerify },
      log,
      maxBodyBytes: config.http.maxBodyBytes,
      loopbackHostsOnly: config.auth.mode === 'none',
      addressHostsToo: options.unauthenticatedNetwork === true,
      ...(config.http.allowedHosts
        ? { hostAllowed: hostMatcher(config.http.allowedHosts, config.tls?.certFile ? 443 : 80) }
        : {}),
      ...(config.http.cors?.allowedOrigins
        ? { allowedOrigins: config.http.cors.allowedOrigins }
        : {}),
      policy: new Policy(config.policy),
      observe: (operation, outcome, seconds) => metrics.request(operation, outcome, seconds),
      admission,
      throttled: (reason) => metrics.throttled(reason),
      ...(authenticator ? { authenticate: authenticator } : {}),
    });
    const listener = createListener(config, app, log);
    const server = listener.server;
    const connections = trackConnections(server);
    await listen(server, config.listen.host, config.listen.port);
    started = true;
    const startedKeys = keys;
    let shutdown: Promise<void> | undefined;
    return {
      url: urlOf(listener.scheme, config.listen.host, server),
      metricsUrl: operationsListener ? urlOf('http', config.metrics.host, health) : null,
      registry: metrics.registry,
      ready,
      token,
      catalog,
      store,
      capabilities,
      description,
      close() {
        // Once, however often it is asked (two signals, a test and a signal).
        shutdown ??= (() => {
          closing = true;
          startedKeys.stopPolling();
          options.credentials?.unwatch();
          listener.stopWatching();
          return stop({
            connections,
            metadata: startedKeys.metadata,
            client,
            audit,
            health: operationsListener ? health : null,
          });
        })();
        return shutdown;
      },
    };
  } catch (err) {
    keys?.stopPolling();
    await keys?.metadata.close().catch(() => undefined);
    health.close();
    await client.shutdown().catch(() => undefined);
    throw err;
  }
}

function selfVerifyFor(config: QkmsConfig, metrics: GatewayMetrics, log: Logger): SelfVerify {
  return {
    enabled: config.pkcs11.selfVerify === 'rsa',
    failed: (algorithm) => {
      metrics.selfVerifyFailure(algorithm);
      log.error(
        { algorithm },
        'the HSM returned a signature that does not verify; it was withheld',
      );
    },
  };
}

/** The URL a listening server answers on (IPv6 hosts in brackets). */
function urlOf(scheme: string, host: string, server: { address(): unknown }): string {
  const { port } = server.address() as AddressInfo;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function reportReload(log: Logger, result: ReturnType<CredentialStore['reload']>): void {
  if (result.ok) log.info({ keys: result.keys }, 'credentials reloaded');
  else
    log.error(
      { problems: result.problems },
      'credentials NOT reloaded: the previous ones stay in force',
    );
}

/** How requests are authenticated for auth.mode (null: not at all, loopback only). */
function authenticatorFor(config: QkmsConfig, credentials: CredentialStore | null) {
  if (config.auth.mode === 'none') return null;
  if (config.auth.mode === 'mtls')
    return async (req: IncomingMessage) => clientCertificatePrincipal(req);
  // Loading the configuration refuses this already (exit 1, as every configuration problem);
  // this guards callers of startGateway that pass no credentials.
  if (!credentials)
    throw new StartupError('auth.mode is sigv4 but no credentials were loaded', EXIT.failure);
  const options = {
    service: 'kms',
    region: config.arn.region,
    requiredSignedHeaders: ['x-amz-target'],
    lookup: (id: string) => credentials.lookup(id),
    now: () => Date.now(),
  };
  return (_req: IncomingMessage, parts: RequestParts) => verifySigV4(parts, options);
}

/** What a running gateway closes at shutdown, in this order. */
interface Running {
  readonly connections: { drain(limitMs: number): Promise<void> };
  readonly metadata: { close(): Promise<void> };
  readonly client: TokenClient;
  readonly audit: { close(): Promise<void> };
  readonly health: Server | null;
}

/**
 * Drains, then closes the metadata store (it may still write to the token), the token, the
 * audit trail, and the operations listener last (liveness answers until the end). Every step
 * is bounded and a failed one does not stop the next: the process must end either way.
 */
async function stop(running: Running): Promise<void> {
  const problems: string[] = [];
  let tokenThreadStuck = false;
  try {
    await running.connections.drain(SHUTDOWN_DRAIN_MS);
    const store = await settleWithin(running.metadata.close(), METADATA_CLOSE_MS);
    if (store !== null) problems.push(`the metadata store ${store}`);
    try {
      await running.client.shutdown();
    } catch (err) {
      problems.push(errorText(err));
      tokenThreadStuck = err instanceof TokenCloseError && err.threadStuck;
    }
    // Closing the audit file is one close(2): nothing to bound.
    await running.audit.close().catch((err: unknown) => {
      problems.push(`the audit trail failed to close (${errorText(err)})`);
    });
  } finally {
    if (running.health) await closeNow(running.health);
  }
  if (problems.length > 0) throw new ShutdownError(problems, tokenThreadStuck);
}

/** Waits for `work` up to `limitMs`: null once it has succeeded, else what went wrong. */
function settleWithin(work: Promise<void>, limitMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const limit = setTimeout(() => resolve(`did not close within ${limitMs} ms`), limitMs);
    work.then(
      () => {
        clearTimeout(limit);
        resolve(null);
      },
      (err: unknown) => {
        clearTimeout(limit);
        resolve(`failed to close (${errorText(err)})`);
      },
    );
  });
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Closes a listener and cuts what it is still serving (a scrape, a probe): the process is ending. */
function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
