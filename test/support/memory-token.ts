// An in-memory token for unit tests of the code above the token: data objects by handle (as
// the token store uses them), key objects by CKA_ID, every call counted, a tick of latency per
// call so that concurrent callers interleave, and failures that can be injected per method.

import { generateKeyPairSync } from 'node:crypto';
import type {
  DataObject,
  KeyInfo,
  KeyLocator,
  KeyObjectInfo,
  TokenApi,
  TokenMethod,
} from '../../src/pkcs11/token-api';

export interface MemoryToken {
  readonly token: TokenApi;
  /** Data objects by handle. */
  readonly data: Map<string, { application: string; label: string; value: Uint8Array }>;
  /** Key objects by CKA_ID (hex). */
  readonly keys: Map<string, KeyInfo>;
  /** Calls made, by method. */
  readonly calls: Map<TokenMethod, number>;
  /** Makes the next call of `method` fail with `ckr` (once, or `times` times). */
  failNext(method: TokenMethod, ckr: string, times?: number): void;
  /**
   * Makes the next call of `method` do its work and then fail with `error`, as a call does
   * whose answer is lost (a late reply, a device error after the commit).
   */
  failAfterWork(method: TokenMethod, error: Error): void;
}

const tick = () => new Promise((r) => setImmediate(r));

function ecPublicKey(): KeyInfo['publicKey'] {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
    format: 'jwk',
  });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  return { kind: 'ec', curveOidDer: '06082a8648ce3d030107', point };
}

export function memoryToken(): MemoryToken {
  const data = new Map<string, { application: string; label: string; value: Uint8Array }>();
  const keys = new Map<string, KeyInfo>();
  const calls = new Map<TokenMethod, number>();
  const failures = new Map<TokenMethod, { ckr: string; times: number }>();
  const afterWork = new Map<TokenMethod, Error>();
  let nextHandle = 1;

  /** Counts the call, waits a tick, and fails it if a failure is queued. */
  async function enter(method: TokenMethod): Promise<void> {
    calls.set(method, (calls.get(method) ?? 0) + 1);
    await tick();
    const failure = failures.get(method);
    if (failure) {
      if (--failure.times <= 0) failures.delete(method);
      throw new Error(`${failure.ckr}: injected`);
    }
  }

  /** Throws the queued after-work failure of `method`, if any. */
  function leave(method: TokenMethod): void {
    const error = afterWork.get(method);
    if (!error) return;
    afterWork.delete(method);
    throw error;
  }

  const keyFor = (locator: KeyLocator) =>
    locator.idHex !== undefined
      ? keys.get(locator.idHex)
      : [...keys.values()].find((k) => k.label === locator.label);
  const unused = (): never => {
    throw new Error('not used by these tests');
  };

  const token: TokenApi = {
    async scanData(application) {
      await enter('scanData');
      return [...data].filter(([, o]) => o.application === application).map(([h]) => h);
    },
    async readData(handles) {
      await enter('readData');
      return handles.map((handle): DataObject | null => {
        const o = data.get(handle);
        return o ? { handle, label: o.label, value: o.value } : null;
      });
    },
    async createData(application, label, value) {
      await enter('createData');
      const handle = `h${nextHandle++}`;
      data.set(handle, { application, label, value: new Uint8Array(value) });
      leave('createData');
      return handle;
    },
    async destroyData(handles) {
      await enter('destroyData');
      for (const handle of handles) data.delete(handle);
      leave('destroyData');
    },
    async generateKeyPair(_generation, idHex, label) {
      await enter('generateKeyPair');
      const info: KeyInfo = { idHex, label, hasPrivateKey: true, publicKey: ecPublicKey() };
      keys.set(idHex, info);
      return info;
    },
    async generateSecretKey(_bytes, idHex, label) {
      await enter('generateSecretKey');
      const info: KeyInfo = { idHex, label, hasPrivateKey: true, publicKey: null };
      keys.set(idHex, info);
      return info;
    },
    async findKey(locator) {
      await enter('findKey');
      return keyFor(locator) ?? null;
    },
    async destroyKey(locator) {
      await enter('destroyKey');
      const key = keyFor(locator);
      if (key) keys.delete(key.idHex);
    },
    async listKeyObjects() {
      await enter('listKeyObjects');
      return [...keys.values()].flatMap((k): KeyObjectInfo[] => [
        { kind: k.publicKey ? 'private' : 'secret', idHex: k.idHex, label: k.label },
        ...(k.publicKey ? [{ kind: 'public' as const, idHex: k.idHex, label: k.label }] : []),
      ]);
    },
    open: unused,
    stats: unused,
    close: unused,
    importPublicKey: unused,
    sign: unused,
    verify: unused,
    exportKeyPair: unused,
    encrypt: unused,
    decrypt: unused,
    deriveSharedSecret: unused,
    generateRandom: unused,
  };
  return {
    token,
    data,
    keys,
    calls,
    failNext(method, ckr, times = 1) {
      failures.set(method, { ckr, times });
    },
    failAfterWork(method, error) {
      afterWork.set(method, error);
    },
  };
}
