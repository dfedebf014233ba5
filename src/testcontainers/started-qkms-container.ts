// A running QKMS container as a test uses it: where the API is, the SigV4 pair it accepts, a
// configured KMSClient, and the key id behind each alias the test asked for. Everything else a
// started testcontainers container offers (exec, logs, getMappedPort, …) is there too.

import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import {
  AbstractStartedContainer,
  type StartedTestContainer,
  type StopOptions,
  type StoppedTestContainer,
} from 'testcontainers';
import type { QkmsCredentials } from './dev-credentials-file';
import { QKMS_API_PORT, QKMS_OPERATIONS_PORT } from './layout';

/**
 * How long `stop()` lets QKMS drain and close its token after SIGTERM before Docker kills it.
 * QKMS normally exits at once; a kept volume is closed cleanly this way.
 */
const STOP_TIMEOUT_MS = 10_000;

export class StartedQkmsContainer extends AbstractStartedContainer {
  /** The KMS API, e.g. `http://localhost:32771`: the SDK's `endpoint`, the CLI's `--endpoint-url`. */
  readonly endpoint: string;
  /** The region QKMS puts in ARNs and expects in SigV4 scopes. */
  readonly region: string;
  /** /healthz, /readyz and /metrics are under this URL. */
  readonly operationsEndpoint: string;
  // Private fields: util.inspect and JSON.stringify of this object never show the secret.
  readonly #credentials: QkmsCredentials;
  readonly #keyIds: ReadonlyMap<string, string>;
  readonly #clients = new Set<KMSClient>();

  /** Made by `QkmsContainer.start()`, which fills `keyIds` (alias → key id) once QKMS is ready. */
  constructor(
    started: StartedTestContainer,
    region: string,
    credentials: QkmsCredentials,
    keyIds: ReadonlyMap<string, string>,
    apiAddress?: string,
  ) {
    super(started);
    const host = started.getHost();
    // Without authentication QKMS answers only requests addressed to a loopback name or an IP
    // address, so the API is reached by the address it was published on, never by a host name
    // (DOCKER_HOST=tcp://docker:2375 would name one).
    const apiHost =
      apiAddress === undefined ? host : apiAddress.includes(':') ? `[${apiAddress}]` : apiAddress;
    this.endpoint = `http://${apiHost}:${started.getMappedPort(QKMS_API_PORT)}`;
    this.operationsEndpoint = `http://${host}:${started.getMappedPort(QKMS_OPERATIONS_PORT)}`;
    this.region = region;
    this.#credentials = credentials;
    this.#keyIds = keyIds;
  }

  /** The SigV4 pair QKMS accepts (fixed with `withCredentials`, or the one QKMS generated). */
  get credentials(): QkmsCredentials {
    return { ...this.#credentials };
  }

  /**
   * A KMSClient for this QKMS; `config` overrides any setting. Clients made here are destroyed
   * by `stop()`, so their sockets do not keep a test process alive.
   */
  client(config: Partial<KMSClientConfig> = {}): KMSClient {
    const client = new KMSClient({
      endpoint: this.endpoint,
      region: this.region,
      credentials: this.credentials,
      ...config,
    });
    this.#clients.add(client);
    return client;
  }

  /** The key id behind an alias given to `withKey` or `withAlias`. */
  keyId(alias: string): string {
    const keyId = this.#keyIds.get(alias);
    if (keyId === undefined) {
      const known = [...this.#keyIds.keys()].join(', ') || 'none';
      throw new Error(`${alias} was not asked for with withKey or withAlias (asked for: ${known})`);
    }
    return keyId;
  }

  /**
   * Stops (SIGTERM, then SIGKILL after 10 s) and removes the container and its anonymous
   * volumes; then destroys the clients `client()` made. Not before: QKMS answers the requests
   * still in flight while it drains, and their clients must be there to read the answers.
   */
  override async stop(options: Partial<StopOptions> = {}): Promise<StoppedTestContainer> {
    try {
      return await super.stop({ timeout: STOP_TIMEOUT_MS, ...options });
    } finally {
      for (const client of this.#clients) client.destroy();
      this.#clients.clear();
    }
  }

  /**
   * What printing this object (console.log, a failed jest assertion) shows. Not the container
   * underneath: Docker's inspect result holds the environment, a fixed secret included.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `StartedQkmsContainer ${JSON.stringify(this.toJSON())}`;
  }

  toJSON(): { id: string; endpoint: string; region: string; operationsEndpoint: string } {
    const { endpoint, region, operationsEndpoint } = this;
    return { id: this.getId(), endpoint, region, operationsEndpoint };
  }
}
