// Finding and describing key objects inside the token thread: the private, public and secret key
// objects behind one KMS key, their public material, and every key object QKMS has marked.

import type * as pkcs11js from 'pkcs11js';
import type { PublicKeyMaterial } from '../crypto/public-key';
import { unwrapEcPoint } from '../crypto/public-key';
import { CKA, CKK, CKO } from './constants';
import { keyObjectSearch } from './templates';
import type { KeyInfo, KeyLocator, KeyObjectInfo } from './token-api';

const EC_POINT_LENGTH: Record<string, number> = {
  '06082a8648ce3d030107': 65,
  '06052b81040022': 97,
  '06052b81040023': 133,
  '06052b8104000a': 65,
  '06032b6570': 32,
};

export interface KeyHandles {
  readonly privateKey: Buffer | null;
  readonly publicKey: Buffer | null;
  readonly secretKey: Buffer | null;
}

export const NO_HANDLES: KeyHandles = { privateKey: null, publicKey: null, secretKey: null };

export const hasHandles = (h: KeyHandles): boolean =>
  Boolean(h.privateKey || h.publicKey || h.secretKey);

/** The cache key of a locator: handles are cached per locator and login. */
export const locatorKey = (locator: KeyLocator): string =>
  `${locator.idHex ?? ''}/${locator.label ?? ''}`;

export function findObjects(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  template: pkcs11js.Template,
): Buffer[] {
  p11.C_FindObjectsInit(session, template);
  try {
    const found: Buffer[] = [];
    for (;;) {
      const batch = p11.C_FindObjects(session, 256);
      found.push(...batch);
      if (batch.length < 256) return found;
    }
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

const SLOT: Readonly<Record<number, keyof KeyHandles>> = {
  [CKO.PRIVATE_KEY]: 'privateKey',
  [CKO.PUBLIC_KEY]: 'publicKey',
  [CKO.SECRET_KEY]: 'secretKey',
};

/**
 * The key objects a locator names, found with ONE search (by CKA_ID and/or CKA_LABEL, any
 * class) and sorted by CKA_CLASS: a token search costs the same whatever it matches (SoftHSM
 * compares every object it holds), so three searches, one per class, cost three times as much.
 * Objects of other classes that share the id (certificates, QKMS's own data objects) are ignored.
 */
export function keyHandles(p11: pkcs11js.PKCS11, session: Buffer, locator: KeyLocator): KeyHandles {
  if (locator.idHex === undefined && locator.label === undefined) {
    throw new Error('QKMS_EMPTY_LOCATOR: a key locator needs an id or a label');
  }
  const handles: { -readonly [K in keyof KeyHandles]: Buffer | null } = { ...NO_HANDLES };
  for (const handle of findObjects(p11, session, keyObjectSearch(null, locator))) {
    const [cls] = p11.C_GetAttributeValue(session, handle, [{ type: CKA.CLASS }]);
    const slot = SLOT[(cls?.value as Buffer).readUInt32LE(0)];
    if (!slot) continue;
    if (handles[slot]) {
      throw new Error(`QKMS_AMBIGUOUS_KEY: several ${slot} objects match ${locatorKey(locator)}`);
    }
    handles[slot] = handle;
  }
  return handles;
}

export function describeKey(p11: pkcs11js.PKCS11, session: Buffer, handles: KeyHandles): KeyInfo {
  const source = handles.publicKey ?? handles.privateKey ?? handles.secretKey;
  if (!source) throw new Error('no key object');
  const attrs = p11.C_GetAttributeValue(session, source, [
    { type: CKA.ID },
    { type: CKA.LABEL },
    { type: CKA.KEY_TYPE },
  ]);
  const keyType = (attrs[2]?.value as Buffer).readUInt32LE(0);
  return {
    idHex: (attrs[0]?.value as Buffer).toString('hex'),
    label: (attrs[1]?.value as Buffer).toString('utf8'),
    publicKey: source === handles.secretKey ? null : publicMaterial(p11, session, source, keyType),
    hasPrivateKey: handles.privateKey !== null || handles.secretKey !== null,
  };
}

function publicMaterial(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  handle: Buffer,
  keyType: number,
): PublicKeyMaterial {
  if (keyType === CKK.RSA) {
    const [modulus, exponent] = p11.C_GetAttributeValue(session, handle, [
      { type: CKA.MODULUS },
      { type: CKA.PUBLIC_EXPONENT },
    ]);
    return {
      kind: 'rsa',
      modulus: modulus?.value as Buffer,
      exponent: exponent?.value as Buffer,
    };
  }
  if (keyType === CKK.EC || keyType === CKK.EC_EDWARDS) {
    const [params, point] = p11.C_GetAttributeValue(session, handle, [
      { type: CKA.EC_PARAMS },
      { type: CKA.EC_POINT },
    ]);
    const curveOidDer = (params?.value as Buffer).toString('hex');
    const length = EC_POINT_LENGTH[curveOidDer];
    if (length === undefined) throw new Error(`QKMS_UNKNOWN_CURVE: ${curveOidDer}`);
    const bare = unwrapEcPoint(point?.value as Buffer, length);
    return { kind: keyType === CKK.EC ? 'ec' : 'edwards', curveOidDer, point: bare };
  }
  throw new Error(`QKMS_UNSUPPORTED_KEY_TYPE: 0x${keyType.toString(16)}`);
}

/** Every private, public and secret key object in the token, with its id, label and class. */
export function listKeyObjects(p11: pkcs11js.PKCS11, session: Buffer): KeyObjectInfo[] {
  const out: KeyObjectInfo[] = [];
  for (const [objectClass, kind] of [
    [CKO.PRIVATE_KEY, 'private'],
    [CKO.PUBLIC_KEY, 'public'],
    [CKO.SECRET_KEY, 'secret'],
  ] as const) {
    for (const handle of findObjects(p11, session, [{ type: CKA.CLASS, value: objectClass }])) {
      const [id, label] = p11.C_GetAttributeValue(session, handle, [
        { type: CKA.ID },
        { type: CKA.LABEL },
      ]);
      out.push({
        kind,
        idHex: (id?.value as Buffer).toString('hex'),
        label: (label?.value as Buffer).toString('utf8'),
      });
    }
  }
  return out;
}
