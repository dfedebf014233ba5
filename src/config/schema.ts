// The one configuration schema. Every setting has a YAML path, an environment variable, a type,
// a default and a description; docs/configuration.md is generated from this table
// (`npm run docs:config`) and a unit test keeps the two in step.

import type { PolicyStatement } from '../auth/policy';

/**
 * `count`: a positive integer within min–max, or `auto` (one per CPU core).
 * `list`: a YAML sequence of strings, or a comma-separated environment value.
 */
export type FieldType = 'string' | 'integer' | 'boolean' | 'enum' | 'count' | 'list';

export interface FieldSpec {
  readonly path: string;
  readonly env: string;
  readonly type: FieldType;
  readonly default?: string | number | boolean;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** May be left unset even though it has no default. */
  readonly optional?: boolean;
  readonly description: string;
}

export const CONFIG_FIELDS: readonly FieldSpec[] = [
  {
    path: 'auth.mode',
    env: 'QKMS_AUTH_MODE',
    type: 'enum',
    default: 'sigv4',
    values: ['sigv4', 'mtls', 'none'],
    description:
      'sigv4: every API request must carry a valid AWS Signature Version 4 from a configured access key. mtls: the client certificate (verified against tls.clientCaFile) authenticates, its subject CN is the principal. none: no authentication, allowed only with a loopback listen.host (a sidecar next to its application) and logged loudly.',
  },
  {
    path: 'auth.credentialsFile',
    env: 'QKMS_CREDENTIALS_FILE',
    type: 'string',
    optional: true,
    description:
      'YAML/JSON file mapping principals to access keys (see below); re-read when it changes and on SIGHUP. Alternatively put the document itself in QKMS_CREDENTIALS.',
  },
  {
    path: 'audit.file',
    env: 'QKMS_AUDIT_FILE',
    type: 'string',
    optional: true,
    description:
      'File the audit trail is appended to (one JSON line per key use or change; GetKeyLastUsage is rebuilt from it at start-up). Unset: audit lines go to stdout, marked "type":"audit", and last usage is tracked from start-up only.',
  },
  {
    path: 'listen.host',
    env: 'QKMS_LISTEN_HOST',
    type: 'string',
    default: '127.0.0.1',
    description: 'Address the KMS API listens on. A non-loopback address needs auth.mode sigv4.',
  },
  {
    path: 'listen.port',
    env: 'QKMS_LISTEN_PORT',
    type: 'integer',
    default: 8080,
    min: 0,
    max: 65535,
    description: 'TCP port of the KMS API (0 picks a free port).',
  },
  {
    path: 'tls.certFile',
    env: 'QKMS_TLS_CERT_FILE',
    type: 'string',
    optional: true,
    description:
      'PEM certificate chain of the API listener; with tls.keyFile it turns TLS (1.2 or later) on. Both files are re-read when they change.',
  },
  {
    path: 'tls.keyFile',
    env: 'QKMS_TLS_KEY_FILE',
    type: 'string',
    optional: true,
    description: 'PEM private key of the API listener certificate.',
  },
  {
    path: 'tls.clientCaFile',
    env: 'QKMS_TLS_CLIENT_CA_FILE',
    type: 'string',
    optional: true,
    description:
      'PEM CA bundle for client certificates: when set, every client must present a certificate it signed (mutual TLS).',
  },
  {
    path: 'pkcs11.module',
    env: 'QKMS_PKCS11_MODULE',
    type: 'string',
    default: '/usr/lib/softhsm/libsofthsm2.so',
    description: 'Path of the PKCS#11 module (the HSM vendor library).',
  },
  {
    path: 'pkcs11.tokenLabel',
    env: 'QKMS_TOKEN_LABEL',
    type: 'string',
    description:
      'Label of the token holding the keys. Tokens are chosen by label, never by slot number.',
  },
  {
    path: 'pkcs11.pinFile',
    env: 'QKMS_PIN_FILE',
    type: 'string',
    optional: true,
    description:
      'File holding the token user PIN (first line). Alternatively set QKMS_PIN. The PIN itself is never read from the YAML file.',
  },
  {
    path: 'pkcs11.sessions',
    env: 'QKMS_PKCS11_SESSIONS',
    type: 'integer',
    default: 8,
    min: 1,
    max: 256,
    description:
      "Size of the PKCS#11 session pool: how many token operations run at once. `qkms serve` gives libuv's thread pool (where pkcs11js runs C_Sign and C_Verify) this many threads plus 4, unless UV_THREADPOOL_SIZE is set.",
  },
  {
    path: 'pkcs11.acquireTimeoutMs',
    env: 'QKMS_PKCS11_ACQUIRE_TIMEOUT_MS',
    type: 'integer',
    default: 1000,
    min: 1,
    max: 60000,
    description:
      'How long a request waits for a free session before it is answered with ThrottlingException.',
  },
  {
    path: 'pkcs11.callTimeoutMs',
    env: 'QKMS_PKCS11_CALL_TIMEOUT_MS',
    type: 'integer',
    default: 5000,
    min: 10,
    max: 300000,
    description:
      'Deadline of one token call; past it the request fails with DependencyTimeoutException.',
  },
  {
    path: 'pkcs11.readOnly',
    env: 'QKMS_PKCS11_READ_ONLY',
    type: 'boolean',
    default: false,
    description:
      'Open read-only sessions and never write to the token (for HSM users without write rights; keys then come from the `keys` catalog only).',
  },
  {
    path: 'pkcs11.selfVerify',
    env: 'QKMS_SELF_VERIFY',
    type: 'enum',
    default: 'rsa',
    values: ['rsa', 'off'],
    description:
      'rsa: every RSA signature is checked against the public key before it is returned; a faulty one (which could leak the private key) is withheld, counted and logged. off: no check.',
  },
  {
    path: 'arn.partition',
    env: 'QKMS_ARN_PARTITION',
    type: 'string',
    default: 'aws',
    description: 'Partition used in key and alias ARNs.',
  },
  {
    path: 'arn.region',
    env: 'QKMS_REGION',
    type: 'string',
    default: 'us-east-1',
    description: 'Region used in ARNs (and, with authentication, in SigV4 scopes).',
  },
  {
    path: 'arn.account',
    env: 'QKMS_ACCOUNT',
    type: 'string',
    default: '111122223333',
    description: 'Twelve-digit account id used in ARNs and DescribeKey.',
  },
  {
    path: 'metadata.refreshSeconds',
    env: 'QKMS_METADATA_REFRESH_SECONDS',
    type: 'integer',
    default: 5,
    min: 1,
    max: 3600,
    description:
      "How often each process checks the token's metadata generation record (one token call; the store is searched again only when it changed). Changes made on this host are announced at once through the lock file; this is the bound for a process that missed the announcement, and for read-only gateways on other hosts.",
  },
  {
    path: 'metadata.lockDir',
    env: 'QKMS_METADATA_LOCK_DIR',
    type: 'string',
    optional: true,
    description:
      "Directory of the host's metadata lock file (qkms-metadata-<token hash>.lock). Every process on this host that changes this token's key metadata (every worker, a second `qkms serve`, `qkms keys`) must use the same directory: the lock serialises their changes and announces them to each other. Unset: the system's temporary directory (os.tmpdir(), usually /tmp), which a systemd unit with PrivateTmp does NOT share with other processes; the example unit and production config use /run/qkms.",
  },
  {
    path: 'metadata.lockTimeoutMs',
    env: 'QKMS_METADATA_LOCK_TIMEOUT_MS',
    type: 'integer',
    default: 10000,
    min: 100,
    max: 300000,
    description:
      "How long a key change waits for the host's metadata lock (another process's change) before it fails with DependencyTimeoutException, which SDKs retry.",
  },
  {
    path: 'metadata.store',
    env: 'QKMS_METADATA_STORE',
    type: 'enum',
    default: 'token',
    values: ['token', 'postgres'],
    description:
      'Where key metadata (state, description, tags, aliases) lives. token: CKO_DATA objects in the HSM itself, nothing extra to run, safe with one writing host. postgres: a PostgreSQL database (13 or later), for replicas on several hosts that all change keys (docs/deployment.md).',
  },
  {
    path: 'metadata.postgres.url',
    env: 'QKMS_METADATA_POSTGRES_URL',
    type: 'string',
    optional: true,
    description:
      'With metadata.store postgres: the database, as postgres://user@host:port/database. Put no password in it: it comes from metadata.postgres.passwordFile or QKMS_METADATA_POSTGRES_PASSWORD, and is never logged.',
  },
  {
    path: 'metadata.postgres.passwordFile',
    env: 'QKMS_METADATA_POSTGRES_PASSWORD_FILE',
    type: 'string',
    optional: true,
    description:
      "File holding the database user's password (first line), e.g. a mounted Secret. Alternatively QKMS_METADATA_POSTGRES_PASSWORD. Neither: no password is sent (certificate or peer authentication).",
  },
  {
    path: 'metadata.postgres.tls',
    env: 'QKMS_METADATA_POSTGRES_TLS',
    type: 'enum',
    default: 'verify-full',
    values: ['verify-full', 'require', 'disable'],
    description:
      "TLS to the database. verify-full: encrypted, and the server's certificate must match its host name (or IP address) and chain to metadata.postgres.caFile (without it, to Node's bundled list of public CAs). require: encrypted, certificate not checked. disable: plain TCP (loopback or a private network only).",
  },
  {
    path: 'metadata.postgres.caFile',
    env: 'QKMS_METADATA_POSTGRES_CA_FILE',
    type: 'string',
    optional: true,
    description:
      'PEM file of the CA(s) that issued the database server certificate (tls verify-full).',
  },
  {
    path: 'metadata.postgres.schema',
    env: 'QKMS_METADATA_POSTGRES_SCHEMA',
    type: 'string',
    default: 'qkms',
    description:
      'Schema holding QKMS tables (at most 54 characters); QKMS creates and migrates it itself, and refuses to start on a schema a newer QKMS has migrated (roll back QKMS only together with a backup of the schema). Deployments of different accounts or regions may share it: rows are kept apart by partition, account and region.',
  },
  {
    path: 'metadata.postgres.poolSize',
    env: 'QKMS_METADATA_POSTGRES_POOL_SIZE',
    type: 'integer',
    default: 4,
    min: 2,
    max: 100,
    description:
      'Database connections per process for changes and reads (one more is held for change notices). Workers each have their own.',
  },
  {
    path: 'metadata.postgres.connectTimeoutMs',
    env: 'QKMS_METADATA_POSTGRES_CONNECT_TIMEOUT_MS',
    type: 'integer',
    default: 2000,
    min: 100,
    max: 60000,
    description:
      'How long to wait for a database connection; past it a key change fails with DependencyTimeoutException (SDKs retry).',
  },
  {
    path: 'metadata.postgres.statementTimeoutMs',
    env: 'QKMS_METADATA_POSTGRES_STATEMENT_TIMEOUT_MS',
    type: 'integer',
    default: 5000,
    min: 100,
    max: 300000,
    description:
      'Longest a database statement may run before it is cancelled and the request fails.',
  },
  {
    path: 'metadata.postgres.maxStaleSeconds',
    env: 'QKMS_METADATA_POSTGRES_MAX_STALE_SECONDS',
    type: 'integer',
    default: 30,
    min: 0,
    max: 3600,
    description:
      'How long a process that cannot read the database keeps using keys with the metadata it last read (a change made meanwhile elsewhere, such as DisableKey, is not seen), counted from its last successful read. Past it, key uses answer KeyUnavailableException until the database is back. Readiness is false as soon as the change-notice connection is lost or two metadata.refreshSeconds polls have failed; key changes fail at once.',
  },
  {
    path: 'http.maxBodyBytes',
    env: 'QKMS_HTTP_MAX_BODY_BYTES',
    type: 'integer',
    default: 65536,
    min: 1024,
    max: 16777216,
    description: 'Largest request body accepted; larger bodies get RequestEntityTooLargeException.',
  },
  {
    path: 'http.requestTimeoutMs',
    env: 'QKMS_HTTP_REQUEST_TIMEOUT_MS',
    type: 'integer',
    default: 30000,
    min: 1000,
    max: 600000,
    description:
      'Time a client has to send a whole request (headers within a third of it); slower clients are disconnected. No token session is held while a request is read.',
  },
  {
    path: 'http.allowedHosts',
    env: 'QKMS_HTTP_ALLOWED_HOSTS',
    type: 'list',
    optional: true,
    description:
      'Host names (optionally with :port) requests may be addressed to; the signed Host header of any other request is answered AccessDeniedException. Unset: any host name. A SigV4 signature covers the Host header, so this stops a request signed for another endpoint sharing the same credentials from being replayed here. Behind load balancers, ingresses or Kubernetes Services clients reach the gateway under several names, so it is usually left unset there; see security.md.',
  },
  {
    path: 'http.cors.allowedOrigins',
    env: 'QKMS_HTTP_CORS_ALLOWED_ORIGINS',
    type: 'list',
    optional: true,
    description:
      'Origins (scheme://host[:port]) whose web pages may call the API from a browser, such as the API reference\'s "Try it out" panel: their CORS preflight requests are answered before authentication, and their calls may read x-amzn-RequestId and x-amzn-ErrorType. Calls are still authenticated and authorized as any other. Unset: no CORS headers at all, and browsers keep every web page from calling QKMS. Allow only origins you trust with your users\' keys; see security.md.',
  },
  {
    path: 'http.maxInFlight',
    env: 'QKMS_HTTP_MAX_IN_FLIGHT',
    type: 'integer',
    default: 1024,
    min: 1,
    max: 100000,
    description:
      'Requests one worker process handles at once (counted from when a request has been read and authenticated); further requests are answered ThrottlingException at once.',
  },
  {
    path: 'rateLimit.requestsPerSecond',
    env: 'QKMS_RATE_LIMIT_RPS',
    type: 'integer',
    default: 0,
    min: 0,
    max: 1000000,
    description:
      'Per-principal request rate (token bucket) in each worker process; past it requests are answered ThrottlingException. 0 turns rate limiting off. Principals are the SigV4 access key owner, the mTLS certificate CN, or `anonymous` with auth.mode none.',
  },
  {
    path: 'rateLimit.burst',
    env: 'QKMS_RATE_LIMIT_BURST',
    type: 'integer',
    default: 0,
    min: 0,
    max: 1000000,
    description:
      "Size of each principal's bucket: how many requests it may send at once before the steady rate applies. 0 means one second of requestsPerSecond.",
  },
  {
    path: 'workers',
    env: 'QKMS_WORKERS',
    type: 'count',
    default: 1,
    min: 1,
    max: 64,
    description:
      "`qkms serve` processes sharing the API port, each with its own PKCS#11 context; `auto` runs one per CPU core (fewer under a cgroup CPU limit, e.g. a container's). A worker that dies is replaced; /metrics (served by the primary process) sums over workers.",
  },
  {
    path: 'metrics.host',
    env: 'QKMS_METRICS_HOST',
    type: 'string',
    default: '127.0.0.1',
    description:
      'Address of the operations listener (/metrics, /healthz, /readyz), separate from the API. Use 0.0.0.0 where Prometheus or the kubelet scrape from outside the pod.',
  },
  {
    path: 'metrics.port',
    env: 'QKMS_METRICS_PORT',
    type: 'integer',
    default: 9464,
    min: 0,
    max: 65535,
    description: 'Port of the operations listener (0 picks a free port).',
  },
  {
    path: 'log.level',
    env: 'QKMS_LOG_LEVEL',
    type: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    description: 'Log level of the JSON logs on stdout.',
  },
];

/** One key adopted from the token by label or CKA_ID (the `keys` list in the YAML file). */
export interface AdoptedKeyConfig {
  readonly keyId: string;
  readonly label?: string;
  readonly idHex?: string;
  readonly description: string;
  readonly aliases: readonly string[];
  readonly enabled: boolean;
}

export interface PostgresConfig {
  readonly url?: string;
  readonly passwordFile?: string;
  readonly tls: 'verify-full' | 'require' | 'disable';
  readonly caFile?: string;
  readonly schema: string;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly maxStaleSeconds: number;
}

export interface QkmsConfig {
  readonly auth: { readonly mode: 'sigv4' | 'mtls' | 'none'; readonly credentialsFile?: string };
  readonly tls?: {
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly clientCaFile?: string;
  };
  readonly audit?: { readonly file?: string };
  readonly listen: { readonly host: string; readonly port: number };
  readonly pkcs11: {
    readonly module: string;
    readonly tokenLabel: string;
    readonly pinFile?: string;
    readonly sessions: number;
    readonly acquireTimeoutMs: number;
    readonly callTimeoutMs: number;
    readonly readOnly: boolean;
    readonly selfVerify: 'rsa' | 'off';
  };
  readonly arn: { readonly partition: string; readonly region: string; readonly account: string };
  readonly metadata: {
    readonly refreshSeconds: number;
    readonly lockDir?: string;
    readonly lockTimeoutMs: number;
    readonly store: 'token' | 'postgres';
    readonly postgres: PostgresConfig;
  };
  readonly metrics: { readonly host: string; readonly port: number };
  readonly http: {
    readonly maxBodyBytes: number;
    readonly requestTimeoutMs: number;
    readonly maxInFlight: number;
    /** Host names, with or without a port; undefined: any host. */
    readonly allowedHosts?: readonly string[];
    /** Origins allowed to call from web pages; undefined: no CORS. */
    readonly cors?: { readonly allowedOrigins?: readonly string[] };
  };
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number };
  /** A number, or 'auto' for one per CPU core (resolved when serving). */
  readonly workers: number | 'auto';
  readonly log: { readonly level: string };
  readonly keys: readonly AdoptedKeyConfig[];
  /** Key policy statements; null when the config file has no `policy` list. */
  readonly policy: readonly PolicyStatement[] | null;
}
