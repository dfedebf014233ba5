// QkmsContainer: QKMS's dev image as a testcontainers module, for an application's own tests.
// It asks the image for the keys a test needs (QKMS_DEV_KEYS), optionally a fixed SigV4 pair,
// keeps the token on a tmpfs (nothing left behind) or on a volume the test names, and counts
// the container ready when /readyz answers 200 and every requested alias names a key. It is a
// GenericContainer, so every testcontainers option (networks, log consumers, …) still applies.

import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import { fixedDevCredentials } from '../cli/dev-credentials';
import { formatDevKeys, parseDevKeys, type DevKeys } from '../cli/dev-keys';
import type { KeySpec, KeyUsage } from '../crypto/key-specs';
import {
  DEV_ACCESS_KEY_ID_VAR,
  DEV_ALLOW_UNAUTHENTICATED_VAR,
  DEV_DEMO_KEYS_VAR,
  DEV_KEYS_VAR,
  DEV_SECRET_ACCESS_KEY_VAR,
} from '../config/dev-variables';
import { readDevCredentials, type QkmsCredentials } from './dev-credentials-file';
import { assertQkmsImagePresent, defaultQkmsImage } from './image';
import { lookUpKeyIds } from './key-ids';
import { QKMS_API_PORT, QKMS_DATA_DIR, QKMS_OPERATIONS_PORT, QKMS_USER_ID } from './layout';
import { StartedQkmsContainer } from './started-qkms-container';

/** A key QKMS makes at start-up: any spec it serves (RSA, ECC, Ed25519, HMAC, symmetric). */
export interface QkmsKey {
  readonly alias: string;
  readonly spec: KeySpec;
  /** Default: the spec's first (SIGN_VERIFY for RSA and ECC); e.g. ENCRYPT_DECRYPT, KEY_AGREEMENT. */
  readonly usage?: KeyUsage;
}

/** sigv4: requests must carry the container's SigV4 pair. none: any credentials will do. */
export type QkmsAuthMode = 'sigv4' | 'none';

export type QkmsKeySpec = KeySpec;

/** The first start of the dev image generates the token and its keys: RSA-4096 takes a while. */
const DEFAULT_STARTUP_TIMEOUT_MS = 120_000;
const DEFAULT_REGION = 'us-east-1';

export class QkmsContainer extends GenericContainer {
  readonly #image: string;
  #devKeys: DevKeys = { keys: [], aliases: [] };
  #volume: string | null = null;
  #authMode: QkmsAuthMode = 'sigv4';
  #credentials: QkmsCredentials | null = null;
  #region = DEFAULT_REGION;
  #demoKeys = true;
  #configured = false;
  /** With auth none: the engine address the API port is published on (clients use it). */
  #apiAddress: string | undefined;

  /** @param image default: $QKMS_TESTCONTAINERS_IMAGE, else `qkms:dev` (see docs/testing-with-qkms.md) */
  constructor(image: string = defaultQkmsImage()) {
    super(image);
    this.#image = image;
    this.withExposedPorts(QKMS_API_PORT, QKMS_OPERATIONS_PORT).withStartupTimeout(
      DEFAULT_STARTUP_TIMEOUT_MS,
    );
  }

  /** Checked as QKMS will check it, so a bad alias or spec fails here rather than in the container. */
  #setDevKeys(next: DevKeys): this {
    this.#devKeys = parseDevKeys(formatDevKeys(next));
    return this;
  }

  /** A key of `spec` that `alias` names, made when QKMS starts. */
  withKey(key: QkmsKey): this {
    return this.#setDevKeys({
      ...this.#devKeys,
      keys: [
        ...this.#devKeys.keys,
        { alias: key.alias, spec: key.spec, ...(key.usage ? { usage: key.usage } : {}) },
      ],
    });
  }

  /** Another alias for the key `target` (an alias from `withKey`, or a demo key's) names. */
  withAlias(alias: string, target: string): this {
    return this.#setDevKeys({
      ...this.#devKeys,
      aliases: [...this.#devKeys.aliases, { alias, target }],
    });
  }

  /**
   * Keeps the token, its keys and the dev credentials in a Docker volume (a name) or a host
   * directory (an absolute path, writable by uid 10001) that outlives the container; a later
   * container on it serves the same keys. Without it they live in a tmpfs and vanish on stop.
   */
  withVolume(source: string): this {
    this.#volume = source;
    return this;
  }

  /**
   * `none` turns SigV4 off: any credentials are accepted. The API port is then published only on
   * the address this process reaches Docker by (the loopback for a local engine).
   */
  withAuthMode(mode: QkmsAuthMode): this {
    if (mode !== 'sigv4' && mode !== 'none') throw new Error(`unknown QKMS auth mode ${mode}`);
    this.#authMode = mode;
    return this;
  }

  /** A fixed SigV4 pair instead of a generated one, e.g. the one the application's config names. */
  withCredentials(credentials: QkmsCredentials): this {
    // QKMS's own rules; the problems name the variables, never the secret.
    fixedDevCredentials({
      [DEV_ACCESS_KEY_ID_VAR]: credentials.accessKeyId,
      [DEV_SECRET_ACCESS_KEY_VAR]: credentials.secretAccessKey,
    });
    this.#credentials = { ...credentials };
    return this;
  }

  /** The region in ARNs and SigV4 scopes (default us-east-1). */
  withRegion(region: string): this {
    this.#region = region;
    return this;
  }

  /** false: no demo keys (alias/demo-…), only the ones asked for (ListKeys shows just those). */
  withDemoKeys(enabled: boolean): this {
    this.#demoKeys = enabled;
    return this;
  }

  #environment(): Record<string, string> {
    const env: Record<string, string> = {
      QKMS_AUTH_MODE: this.#authMode,
      QKMS_REGION: this.#region,
      [DEV_DEMO_KEYS_VAR]: String(this.#demoKeys),
    };
    const devKeys = formatDevKeys(this.#devKeys);
    if (devKeys !== '') env[DEV_KEYS_VAR] = devKeys;
    if (this.#credentials) {
      env[DEV_ACCESS_KEY_ID_VAR] = this.#credentials.accessKeyId;
      env[DEV_SECRET_ACCESS_KEY_VAR] = this.#credentials.secretAccessKey;
    }
    // The published port must reach the API, so it cannot listen on the container's loopback.
    if (this.#authMode === 'none') env[DEV_ALLOW_UNAUTHENTICATED_VAR] = 'true';
    return env;
  }

  #storage(): void {
    if (this.#volume !== null) {
      this.withBindMounts([{ source: this.#volume, target: QKMS_DATA_DIR, mode: 'rw' }]);
    } else {
      // Not the image's VOLUME: Docker would make an anonymous volume that outlives a crashed test.
      this.withTmpFs({
        [QKMS_DATA_DIR]: `rw,uid=${QKMS_USER_ID},gid=${QKMS_USER_ID},mode=0700`,
      });
    }
  }

  /**
   * Without SigV4 the API port is published only on the address this process reaches the
   * Docker engine by (the loopback, or the docker0 bridge when the tests themselves run in a
   * container), not on every interface of the Docker host.
   */
  async #publishOnlyWhereTestsRun(): Promise<void> {
    if (this.#authMode !== 'none') return;
    const { hostIps } = (await getContainerRuntimeClient()).info.containerRuntime;
    const address = (hostIps.find((ip) => ip.family === 4) ?? hostIps[0])?.address;
    if (address === undefined) throw new Error('the Docker engine has no address to publish on');
    this.#apiAddress = address;
    this.hostConfig.PortBindings = {
      ...this.hostConfig.PortBindings,
      [`${QKMS_API_PORT}/tcp`]: [{ HostIp: address, HostPort: '0' }],
    };
  }

  /** Starts QKMS and resolves once /readyz is 200 and every requested alias names a key. */
  override async start(): Promise<StartedQkmsContainer> {
    // QKMS images come from no registry: a missing one is built, never pulled (unless the test
    // chose a pull policy that pulls).
    if (!this.pullPolicy.shouldPull()) await assertQkmsImagePresent(this.#image);
    // Once: a second start() of the same builder must not mount the data directory twice.
    if (!this.#configured) {
      this.#storage();
      await this.#publishOnlyWhereTestsRun();
      this.#configured = true;
    }
    this.withEnvironment(this.#environment()).withWaitStrategy(
      // A QKMS that exits (a QKMS_DEV_KEYS entry the token contradicts) fails the start at once,
      // with its last log lines, instead of at the timeout.
      Wait.forHttp('/readyz', QKMS_OPERATIONS_PORT, { abortOnContainerExit: true }).forStatusCode(
        200,
      ),
    );
    const started = await super.start();
    try {
      const credentials = this.#credentials ?? (await readDevCredentials(started));
      const keyIds = new Map<string, string>();
      const kms = new StartedQkmsContainer(
        started,
        this.#region,
        credentials,
        keyIds,
        this.#apiAddress,
      );
      const aliases = [...this.#devKeys.keys, ...this.#devKeys.aliases].map((k) => k.alias);
      const client = kms.client({ maxAttempts: 1 });
      try {
        await lookUpKeyIds(client, aliases, this.#image, keyIds);
      } finally {
        client.destroy();
      }
      return kms;
    } catch (err) {
      // The start error is the one to report; a failing clean-up must not replace it.
      await started.stop().catch(() => undefined);
      throw err;
    }
  }

  /**
   * What printing the builder shows: never the container options underneath, whose environment
   * holds a fixed secret (withCredentials).
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `QkmsContainer ${JSON.stringify(this.toJSON())}`;
  }

  toJSON(): { image: string; authMode: QkmsAuthMode; region: string } {
    return { image: this.#image, authMode: this.#authMode, region: this.#region };
  }
}
