// The contract between the HTTP thread and the PKCS#11 thread. Everything crossing it is plain
// data (structured clone), so the same interface serves the real worker and test doubles.

import type { PublicKeyMaterial } from '../crypto/public-key';
import type { MechanismSpec } from './mechanism-spec';

/** How a key pair is found in the token: by CKA_ID (hex) and/or CKA_LABEL. */
export interface KeyLocator {
  readonly idHex?: string;
  readonly label?: string;
}

/** What a key pair's private half is for; one KMS key usage each (default: sign). */
export type KeyPairUsage = 'sign' | 'decrypt' | 'derive';

export type KeyPairGeneration = (
  | { readonly kind: 'rsa'; readonly bits: number }
  | { readonly kind: 'ec' | 'edwards'; readonly curveOidDer: string }
) & { readonly usage?: KeyPairUsage };

/** A generic secret for HMAC, or an AES key for encryption. */
export type SecretKeyKind = 'hmac' | 'aes';

/**
 * A key pair generated in the token as session objects and read out (GenerateDataKeyPair): the
 * public material and the private key's components, big-endian, by CKA name (RSA: modulus,
 * publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient; EC: value).
 */
export interface ExportedKeyPair {
  readonly publicKey: PublicKeyMaterial;
  readonly privateKey: Readonly<Record<string, Uint8Array>>;
}

/** A key found in the token: a key pair (publicKey set) or a secret key (publicKey null). */
export interface KeyInfo {
  readonly idHex: string;
  readonly label: string;
  readonly publicKey: PublicKeyMaterial | null;
  /** Whether the token holds the signing half: a private key or the secret key. */
  readonly hasPrivateKey: boolean;
}

export interface DataObject {
  /** Valid for the current login only (see data-objects.ts). */
  readonly handle: string;
  readonly label: string;
  readonly value: Uint8Array;
}

/** A key object as `qkms keys orphans` sees it. */
export interface KeyObjectInfo {
  readonly kind: 'private' | 'public' | 'secret';
  readonly idHex: string;
  readonly label: string;
}

export interface OpenOptions {
  readonly modulePath: string;
  readonly tokenLabel: string;
  readonly pin: string;
  readonly poolSize: number;
  /** How long a call may wait for a free session before it is throttled. */
  readonly acquireTimeoutMs: number;
  /** Open sessions read-only: the HSM user may lack write rights. */
  readonly readOnly: boolean;
}

export interface TokenDescription {
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serial: string;
  readonly mechanisms: readonly number[];
}

export interface TokenStats {
  readonly loggedIn: boolean;
  readonly sessions: number;
  readonly inUse: number;
  readonly waiting: number;
  /** Times the module was re-initialised after a device fault, since start-up. */
  readonly reconnects: number;
}

export interface TokenApi {
  open(options: OpenOptions): Promise<TokenDescription>;
  close(): Promise<void>;
  generateKeyPair(
    generation: KeyPairGeneration,
    idHex: string,
    label: string,
    persistent: boolean,
  ): Promise<KeyInfo>;
  /** Generates a secret key of `bytes` bytes: a generic secret for HMAC, or an AES key. */
  generateSecretKey(
    bytes: number,
    idHex: string,
    label: string,
    persistent: boolean,
    kind?: SecretKeyKind,
  ): Promise<KeyInfo>;
  /** Generates a pair whose private key leaves the token, then destroys both objects. */
  exportKeyPair(generation: KeyPairGeneration): Promise<ExportedKeyPair>;
  findKey(locator: KeyLocator): Promise<KeyInfo | null>;
  destroyKey(locator: KeyLocator): Promise<void>;
  /** Stores a public key as a token object: a verify-only key (e.g. one whose private half lives elsewhere). */
  importPublicKey(material: PublicKeyMaterial, idHex: string, label: string): Promise<KeyInfo>;
  sign(locator: KeyLocator, mechanism: MechanismSpec, data: Uint8Array): Promise<Uint8Array>;
  verify(
    locator: KeyLocator,
    mechanism: MechanismSpec,
    data: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean>;
  /** Encrypts with the secret key (AES) or the public key (RSA). */
  encrypt(locator: KeyLocator, mechanism: MechanismSpec, data: Uint8Array): Promise<Uint8Array>;
  /**
   * Decrypts with the secret or private key. Null when the token refuses the ciphertext itself
   * (not authentic, wrong length, bad padding): the caller answers InvalidCiphertextException.
   */
  decrypt(
    locator: KeyLocator,
    mechanism: MechanismSpec,
    data: Uint8Array,
  ): Promise<Uint8Array | null>;
  /**
   * ECDH (CKM_ECDH1_DERIVE, no KDF) between the key's private half and `peerPoint` (uncompressed
   * SEC1 point); returns the `bytes`-byte shared secret.
   */
  deriveSharedSecret(
    locator: KeyLocator,
    peerPoint: Uint8Array,
    bytes: number,
  ): Promise<Uint8Array>;
  /** `bytes` bytes from the token's random number generator. */
  generateRandom(bytes: number): Promise<Uint8Array>;
  /** Session pool and login state, for metrics and readiness. */
  stats(): Promise<TokenStats>;
  /** Every private, public and secret key object, for finding orphans. */
  listKeyObjects(): Promise<KeyObjectInfo[]>;
  /** Handles of every data object of `application`: one search. */
  scanData(application: string): Promise<string[]>;
  /** Label and value of each handle, in order; null for objects that no longer exist. */
  readData(handles: readonly string[]): Promise<(DataObject | null)[]>;
  /** Creates a data object and returns its handle. */
  createData(application: string, label: string, value: Uint8Array): Promise<string>;
  /** Destroys data objects in the order given; ones already gone are skipped. */
  destroyData(handles: readonly string[]): Promise<void>;
}

export type TokenMethod = keyof TokenApi;

export interface TokenRequest {
  readonly id: number;
  readonly method: TokenMethod;
  readonly args: unknown[];
  /** Epoch ms after which the caller has given up: the token thread then does not start it. */
  readonly deadline: number;
}

export type TokenReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly failure: import('./token-error').TokenFailure;
    };
