// The PKCS#11 side of QKMS: runs inside the token thread and is the only code that calls
// pkcs11js. Synchronous PKCS#11 calls (SignInit, FindObjects, GetAttributeValue) block only this
// thread; the data calls use pkcs11js's promise forms so several sessions sign at once.

import * as pkcs11js from 'pkcs11js';
import type { PublicKeyMaterial } from '../crypto/public-key';
import {
  CKA,
  CKD_NULL,
  CKF_OS_LOCKING_OK,
  CKF_RW_SESSION,
  CKF_SERIAL_SESSION,
  CKK,
  CKM,
  CKU_USER,
} from './constants';
import type { MechanismSpec } from './mechanism-spec';
import { toPkcs11Mechanism } from './mechanism-params';
import { ckrRule } from './ckr-table';
import { createData, destroyData, readData, scanData } from './data-objects';
import {
  describeKey,
  hasHandles,
  keyHandles,
  listKeyObjects,
  locatorKey,
  NO_HANDLES,
  type KeyHandles,
} from './key-objects';
import { SessionPool } from './session-pool';
import { describeFailure } from './token-error';
import {
  derivedSecretTemplate,
  keyPairTemplates,
  publicKeyTemplate,
  secretKeyTemplate,
} from './templates';
import type {
  DataObject,
  ExportedKeyPair,
  KeyLocator,
  KeyObjectInfo,
  KeyPairGeneration,
  KeyInfo,
  OpenOptions,
  SecretKeyKind,
  TokenApi,
  TokenDescription,
  TokenStats,
} from './token-api';
import { asBuffer } from './bytes';

const MAX_SIGNATURE_BYTES = 1024;

/**
 * Whether a failed C_Decrypt refused the ciphertext itself rather than failing as a device.
 * SoftHSM 2.6.1 reports a GCM tag mismatch, and an RSA-OAEP ciphertext whose padding does not
 * check out, as CKR_GENERAL_ERROR (both seen here), so for GCM and OAEP that code counts too;
 * everywhere else it stays an internal error.
 */
function refusedCiphertext(err: unknown, mechanism: MechanismSpec): boolean {
  const ckr = describeFailure(err, '').ckr;
  if (
    ckr === 'CKR_ENCRYPTED_DATA_INVALID' ||
    ckr === 'CKR_ENCRYPTED_DATA_LEN_RANGE' ||
    ckr === 'CKR_DATA_INVALID' ||
    ckr === 'CKR_DATA_LEN_RANGE'
  )
    return true;
  return (
    (mechanism.gcm !== undefined || mechanism.oaep !== undefined) && ckr === 'CKR_GENERAL_ERROR'
  );
}

/** Reads the components of an extractable private key, by CKA name (token-api ExportedKeyPair). */
function privateComponents(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  pair: { privateKey: Buffer },
): Record<string, Uint8Array> {
  const [keyType] = p11.C_GetAttributeValue(session, pair.privateKey, [{ type: CKA.KEY_TYPE }]);
  const names: Record<string, number> =
    (keyType?.value as Buffer).readUInt32LE(0) === CKK.RSA
      ? {
          modulus: CKA.MODULUS,
          publicExponent: CKA.PUBLIC_EXPONENT,
          privateExponent: CKA.PRIVATE_EXPONENT,
          prime1: CKA.PRIME_1,
          prime2: CKA.PRIME_2,
          exponent1: CKA.EXPONENT_1,
          exponent2: CKA.EXPONENT_2,
          coefficient: CKA.COEFFICIENT,
        }
      : { value: CKA.VALUE };
  const entries = Object.entries(names);
  const values = p11.C_GetAttributeValue(
    session,
    pair.privateKey,
    entries.map(([, type]) => ({ type })),
  );
  return Object.fromEntries(
    entries.map(([name], i) => [name, new Uint8Array(values[i]?.value as Buffer)]),
  );
}

const trimPadded = (s: string): string => s.replace(/[\s\0]+$/, '');
const PIN_REFUSED = ['CKR_PIN_INCORRECT', 'CKR_PIN_LOCKED', 'CKR_PIN_EXPIRED'];
/** Whether pkcs11js failed with this CKR (by name, or by number when the message lacks it). */
const isCkr = (err: unknown, name: string): boolean => describeFailure(err, '').ckr === name;

export class TokenHost implements TokenApi {
  private p11: pkcs11js.PKCS11 | null = null;
  private pool: SessionPool | null = null;
  /** Keeps the login alive: closing a token's last session logs the application out. */
  private anchor: Buffer | null = null;
  /** Object handles are valid for one login only; the map is rebuilt after a re-login. */
  private readonly handles = new Map<string, KeyHandles>();
  private inFlight = 0;
  /** Told once no call is in the token any more (recovery and close may both be waiting). */
  private readonly drainWaiters: (() => void)[] = [];
  private closing: Promise<void> | null = null;
  private options: OpenOptions | null = null;
  /** Set while the module is being re-initialised after a device fault. */
  private recovering: Promise<void> | null = null;
  /** The CKR name with which the token refused the PIN on a reconnect; never tried again. */
  private pinRefused: string | null = null;
  private reconnects = 0;
  /** Counts logins: handles given out under an earlier one are refused (data-objects.ts). */
  private login = 0;

  async open(options: OpenOptions): Promise<TokenDescription> {
    const p11 = new pkcs11js.PKCS11();
    p11.load(options.modulePath);
    this.options = options;
    return this.connect(p11);
  }

  /** C_Initialize, find the token, log in, open the pool: at start-up and after a device fault. */
  private async connect(p11: pkcs11js.PKCS11): Promise<TokenDescription> {
    const options = this.options as OpenOptions;
    try {
      // Without CKF_OS_LOCKING_OK SoftHSM disables its locks and concurrent signing crashes.
      p11.C_Initialize({ flags: CKF_OS_LOCKING_OK });
    } catch (err) {
      if (!isCkr(err, 'CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw err;
    }
    this.p11 = p11;
    const slot = await this.findSlot(p11, options.tokenLabel);
    const flags = CKF_SERIAL_SESSION | (options.readOnly ? 0 : CKF_RW_SESSION);
    this.anchor = p11.C_OpenSession(slot, flags);
    try {
      p11.C_Login(this.anchor, CKU_USER, options.pin);
    } catch (err) {
      // Never retried: real HSMs lock the PIN after a few failures.
      if (!isCkr(err, 'CKR_USER_ALREADY_LOGGED_IN')) throw err;
    }
    this.handles.clear();
    this.login++;
    this.pool = new SessionPool(
      () => p11.C_OpenSession(slot, flags),
      (s) => p11.C_CloseSession(s),
      options.poolSize,
      options.acquireTimeoutMs,
    );
    const info = p11.C_GetTokenInfo(slot);
    return {
      label: trimPadded(info.label),
      manufacturer: trimPadded(info.manufacturerID),
      model: trimPadded(info.model),
      serial: trimPadded(info.serialNumber),
      mechanisms: p11.C_GetMechanismList(slot),
    };
  }

  /**
   * After a device-level failure (the HSM restarted, the network to it broke): drain the calls
   * in flight, C_Finalize, and connect again with capped exponential backoff until it works.
   * Meanwhile calls fail fast and stats() reports not logged in. A refused PIN stops the loop:
   * it is never tried twice.
   */
  private recover(): void {
    if (this.recovering || this.closing || !this.p11) return;
    const p11 = this.p11;
    this.recovering = (async () => {
      await this.whenDrained();
      this.pool?.close();
      try {
        if (this.anchor) p11.C_CloseSession(this.anchor);
      } catch {
        // the device is gone; so is the session
      }
      this.anchor = null;
      for (let delay = 100; !this.closing; delay = Math.min(delay * 2, 5000)) {
        try {
          p11.C_Finalize();
        } catch {
          // not initialised, or already torn down by the fault
        }
        try {
          await this.connect(p11);
          this.reconnects++;
          return;
        } catch (err) {
          const refused = PIN_REFUSED.find((name) => isCkr(err, name));
          if (refused) {
            this.pinRefused = refused;
            return;
          }
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    })().finally(() => {
      this.recovering = null;
    });
  }

  /** Two processes opening one SoftHSM token at once sometimes get CKR_GENERAL_ERROR: retry. */
  private async findSlot(p11: pkcs11js.PKCS11, label: string): Promise<Buffer> {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const slot of p11.C_GetSlotList(true)) {
          if (trimPadded(p11.C_GetTokenInfo(slot).label) === label) return slot;
        }
        throw new Error(`QKMS_TOKEN_NOT_FOUND: no token labelled "${label}" is present`);
      } catch (err) {
        if (attempt >= 5 || !isCkr(err, 'CKR_GENERAL_ERROR')) throw err;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  /** Resolves once no call is in the token (at once when none is). */
  private whenDrained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Refuses new work, waits for calls in flight, then finalises: never C_Finalize under a busy
   * session (DESIGN §10). A call that never returns (a hung HSM) keeps this waiting for good;
   * the token client bounds `close` with its deadline and then ends this thread unfinalised.
   * Rejects when the token was not closed cleanly, after finalising all the same.
   */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    const p11 = this.p11;
    if (!p11) return;
    // Read before the drain: a recovery that is draining too would clear it meanwhile.
    const down = this.connectionDown();
    this.pool?.close(); // rejects waiters; busy sessions are closed as they come back
    await this.whenDrained();
    const failures: unknown[] = down ? [down] : [];
    try {
      if (this.anchor) p11.C_CloseSession(this.anchor);
    } catch (err) {
      failures.push(err); // The device is gone; finalising still releases the module's state.
    }
    try {
      p11.C_Finalize();
    } catch (err) {
      failures.push(err);
    } finally {
      this.p11 = null;
      this.pool = null;
      this.anchor = null;
      this.handles.clear();
    }
    if (failures.length > 0) throw failures[0];
  }

  /** Why the token is not logged in now, if it is not: closing it then is not clean. */
  private connectionDown(): Error | null {
    if (this.pinRefused !== null) {
      return new Error(`${this.pinRefused}: the token refused the PIN when QKMS logged in again`);
    }
    if (this.recovering) return new Error('QKMS_RECOVERING: the HSM connection is down');
    return null;
  }

  private module(): pkcs11js.PKCS11 {
    if (!this.p11) throw new Error('CKR_CRYPTOKI_NOT_INITIALIZED: the token is not open');
    return this.p11;
  }

  /** Runs `work` on a pooled session, replacing the session if the token broke it. */
  private async withSession<T>(
    work: (p11: pkcs11js.PKCS11, session: Buffer) => Promise<T> | T,
  ): Promise<T> {
    if (this.closing) throw new Error('QKMS_CLOSING: the token is shutting down');
    if (this.recovering || this.pinRefused !== null) {
      throw new Error('QKMS_RECOVERING: the HSM connection is being re-established');
    }
    const p11 = this.module();
    const pool = this.pool as SessionPool;
    const session = await pool.acquire();
    this.inFlight++;
    let broken = false;
    try {
      return await work(p11, session);
    } catch (err) {
      // The CKR table decides: session-level codes replace the session, device-level ones reconnect.
      const fault = ckrRule(describeFailure(err, 'call').ckr).fault;
      if (fault === 'device') this.recover();
      broken = fault === 'session';
      throw err;
    } finally {
      pool.release(session, broken);
      if (--this.inFlight === 0) for (const drained of this.drainWaiters.splice(0)) drained();
    }
  }

  /** The key's handles, from the cache or one search; only found keys are cached. */
  private handlesFor(p11: pkcs11js.PKCS11, session: Buffer, locator: KeyLocator): KeyHandles {
    const cacheKey = locatorKey(locator);
    const cached = this.handles.get(cacheKey);
    if (cached) return cached;
    const handles = keyHandles(p11, session, locator);
    if (hasHandles(handles)) this.handles.set(cacheKey, handles);
    return handles;
  }

  generateKeyPair(
    generation: KeyPairGeneration,
    idHex: string,
    label: string,
    persistent: boolean,
  ): Promise<KeyInfo> {
    return this.withSession(async (p11, session) => {
      const t = keyPairTemplates(generation, Buffer.from(idHex, 'hex'), label, persistent);
      const pair = await p11.C_GenerateKeyPairAsync(
        session,
        { mechanism: t.mechanism },
        t.publicKey,
        t.privateKey,
      );
      return this.remember(idHex, { ...pair, secretKey: null }, p11, session);
    });
  }

  generateSecretKey(
    bytes: number,
    idHex: string,
    label: string,
    persistent: boolean,
    kind: SecretKeyKind = 'hmac',
  ): Promise<KeyInfo> {
    return this.withSession(async (p11, session) => {
      const t = secretKeyTemplate(bytes, Buffer.from(idHex, 'hex'), label, persistent, kind);
      const key = p11.C_GenerateKey(session, { mechanism: t.mechanism }, t.template);
      return this.remember(idHex, { ...NO_HANDLES, secretKey: key }, p11, session);
    });
  }

  exportKeyPair(generation: KeyPairGeneration): Promise<ExportedKeyPair> {
    return this.withSession(async (p11, session) => {
      const t = keyPairTemplates(generation, Buffer.alloc(0), '', false, true);
      const pair = await p11.C_GenerateKeyPairAsync(
        session,
        { mechanism: t.mechanism },
        t.publicKey,
        t.privateKey,
      );
      try {
        const handles = { ...pair, secretKey: null };
        const info = describeKey(p11, session, handles);
        if (!info.publicKey) throw new Error('QKMS_NO_PUBLIC_KEY: the generated pair has none');
        return { publicKey: info.publicKey, privateKey: privateComponents(p11, session, pair) };
      } finally {
        for (const handle of [pair.privateKey, pair.publicKey]) {
          try {
            p11.C_DestroyObject(session, handle);
          } catch {
            // A session object: it goes with the session at the latest.
          }
        }
      }
    });
  }

  importPublicKey(material: PublicKeyMaterial, idHex: string, label: string): Promise<KeyInfo> {
    return this.withSession((p11, session) => {
      const handle = p11.C_CreateObject(
        session,
        publicKeyTemplate(material, Buffer.from(idHex, 'hex'), label),
      );
      return this.remember(idHex, { ...NO_HANDLES, publicKey: handle }, p11, session);
    });
  }

  /**
   * Caches the handles of objects just made, under the locator QKMS gives them ({idHex}): the
   * first use of a new key then needs no search, which on SoftHSM costs time in proportion to
   * every object in the token (~0.7 s with 20,000).
   */
  private remember(
    idHex: string,
    handles: KeyHandles,
    p11: pkcs11js.PKCS11,
    session: Buffer,
  ): KeyInfo {
    if (idHex !== '') this.handles.set(locatorKey({ idHex }), handles);
    return describeKey(p11, session, handles);
  }

  findKey(locator: KeyLocator): Promise<KeyInfo | null> {
    return this.withSession((p11, session) => {
      const handles = this.handlesFor(p11, session, locator);
      return hasHandles(handles) ? describeKey(p11, session, handles) : null;
    });
  }

  listKeyObjects(): Promise<KeyObjectInfo[]> {
    return this.withSession((p11, session) => listKeyObjects(p11, session));
  }

  destroyKey(locator: KeyLocator): Promise<void> {
    return this.withSession((p11, session) => {
      const cacheKey = locatorKey(locator);
      const cached = this.handles.get(cacheKey);
      this.handles.delete(cacheKey);
      const destroyAll = (h: KeyHandles) => {
        for (const handle of [h.privateKey, h.publicKey, h.secretKey])
          if (handle) p11.C_DestroyObject(session, handle);
      };
      if (cached) {
        try {
          destroyAll(cached);
          return;
        } catch (err) {
          // Another process destroyed some of them: search afresh for what is left.
          if (!isCkr(err, 'CKR_OBJECT_HANDLE_INVALID')) throw err;
        }
      }
      destroyAll(keyHandles(p11, session, locator));
    });
  }

  /** Runs a C_*Init; a stale handle (the object was destroyed elsewhere) is dropped from the cache. */
  private initOrForget(locator: KeyLocator, init: () => void): void {
    try {
      init();
    } catch (err) {
      if (isCkr(err, 'CKR_KEY_HANDLE_INVALID') || isCkr(err, 'CKR_OBJECT_HANDLE_INVALID')) {
        this.handles.delete(locatorKey(locator));
      }
      throw err;
    }
  }

  sign(locator: KeyLocator, mechanism: MechanismSpec, data: Uint8Array): Promise<Uint8Array> {
    return this.withSession(async (p11, session) => {
      const handles = this.handlesFor(p11, session, locator);
      const key = handles.privateKey ?? handles.secretKey;
      if (!key) throw new Error('QKMS_NO_PRIVATE_KEY: the key has no private key object');
      this.initOrForget(locator, () => p11.C_SignInit(session, toPkcs11Mechanism(mechanism), key));
      // Both buffers stay referenced by this frame until the promise settles (DESIGN §10).
      const input = asBuffer(data);
      const output = Buffer.alloc(MAX_SIGNATURE_BYTES);
      const signature = await p11.C_SignAsync(session, input, output);
      return new Uint8Array(signature);
    });
  }

  verify(
    locator: KeyLocator,
    mechanism: MechanismSpec,
    data: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean> {
    return this.withSession(async (p11, session) => {
      const handles = this.handlesFor(p11, session, locator);
      const key = handles.publicKey ?? handles.secretKey;
      if (!key) throw new Error('QKMS_NO_PUBLIC_KEY: the key has no public key object');
      this.initOrForget(locator, () =>
        p11.C_VerifyInit(session, toPkcs11Mechanism(mechanism), key),
      );
      const input = asBuffer(data);
      const sig = asBuffer(signature);
      try {
        return await p11.C_VerifyAsync(session, input, sig);
      } catch (err) {
        if (isCkr(err, 'CKR_SIGNATURE_INVALID') || isCkr(err, 'CKR_SIGNATURE_LEN_RANGE'))
          return false;
        throw err;
      }
    });
  }

  encrypt(locator: KeyLocator, mechanism: MechanismSpec, data: Uint8Array): Promise<Uint8Array> {
    return this.withSession(async (p11, session) => {
      const handles = this.handlesFor(p11, session, locator);
      const key = handles.secretKey ?? handles.publicKey;
      if (!key) throw new Error('QKMS_NO_PUBLIC_KEY: the key has no encrypting object');
      this.initOrForget(locator, () =>
        p11.C_EncryptInit(session, toPkcs11Mechanism(mechanism), key),
      );
      const input = asBuffer(data);
      const output = Buffer.alloc(input.length + MAX_SIGNATURE_BYTES);
      return new Uint8Array(await p11.C_EncryptAsync(session, input, output));
    });
  }

  decrypt(
    locator: KeyLocator,
    mechanism: MechanismSpec,
    data: Uint8Array,
  ): Promise<Uint8Array | null> {
    return this.withSession(async (p11, session) => {
      const handles = this.handlesFor(p11, session, locator);
      const key = handles.secretKey ?? handles.privateKey;
      if (!key) throw new Error('QKMS_NO_PRIVATE_KEY: the key has no decrypting object');
      this.initOrForget(locator, () =>
        p11.C_DecryptInit(session, toPkcs11Mechanism(mechanism), key),
      );
      const input = asBuffer(data);
      const output = Buffer.alloc(input.length + MAX_SIGNATURE_BYTES);
      try {
        return new Uint8Array(await p11.C_DecryptAsync(session, input, output));
      } catch (err) {
        if (refusedCiphertext(err, mechanism)) return null;
        throw err;
      }
    });
  }

  deriveSharedSecret(
    locator: KeyLocator,
    peerPoint: Uint8Array,
    bytes: number,
  ): Promise<Uint8Array> {
    return this.withSession(async (p11, session) => {
      const handles = this.handlesFor(p11, session, locator);
      if (!handles.privateKey)
        throw new Error('QKMS_NO_PRIVATE_KEY: the key has no private key object');
      const privateKey = handles.privateKey;
      const publicData = asBuffer(peerPoint);
      const mechanism = {
        mechanism: CKM.ECDH1_DERIVE,
        parameter: { type: pkcs11js.CK_PARAMS_EC_DH, kdf: CKD_NULL, publicData },
      };
      let secret: Buffer | null = null;
      try {
        secret = await p11.C_DeriveKeyAsync(
          session,
          mechanism,
          privateKey,
          derivedSecretTemplate(bytes),
        );
      } catch (err) {
        if (isCkr(err, 'CKR_KEY_HANDLE_INVALID') || isCkr(err, 'CKR_OBJECT_HANDLE_INVALID'))
          this.handles.delete(locatorKey(locator));
        throw err;
      }
      try {
        const [value] = p11.C_GetAttributeValue(session, secret, [{ type: CKA.VALUE }]);
        return new Uint8Array(value?.value as Buffer);
      } finally {
        try {
          p11.C_DestroyObject(session, secret);
        } catch {
          // A session object: it goes with the session at the latest.
        }
      }
    });
  }

  generateRandom(bytes: number): Promise<Uint8Array> {
    return this.withSession(
      (p11, session) => new Uint8Array(p11.C_GenerateRandom(session, Buffer.alloc(bytes))),
    );
  }

  async stats(): Promise<TokenStats> {
    const pool = this.pool?.stats() ?? { sessions: 0, inUse: 0, waiting: 0 };
    const connected =
      this.p11 !== null && !this.closing && !this.recovering && this.pinRefused === null;
    return { loggedIn: connected, ...pool, reconnects: this.reconnects };
  }

  scanData(application: string): Promise<string[]> {
    return this.withSession((p11, session) => scanData(p11, session, this.login, application));
  }

  readData(handles: readonly string[]): Promise<(DataObject | null)[]> {
    return this.withSession((p11, session) => readData(p11, session, this.login, handles));
  }

  createData(application: string, label: string, value: Uint8Array): Promise<string> {
    return this.withSession((p11, session) =>
      createData(p11, session, this.login, application, label, value),
    );
  }

  destroyData(handles: readonly string[]): Promise<void> {
    return this.withSession((p11, session) => destroyData(p11, session, this.login, handles));
  }
}
