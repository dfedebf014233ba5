// CKO_DATA objects inside the token thread, named by handle. A handle crosses the thread
// boundary as "<login>:<hex>": object handles are valid for one login only, so a handle from
// before a re-login is refused (QKMS_STALE_HANDLE) instead of naming some other object.

import type * as pkcs11js from 'pkcs11js';
import { CKA } from './constants';
import { findObjects } from './key-objects';
import { dataObjectSearch, dataObjectTemplate } from './templates';
import type { DataObject } from './token-api';
import { describeFailure } from './token-error';

export function encodeHandle(login: number, handle: Buffer): string {
  return `${login}:${handle.toString('hex')}`;
}

export function decodeHandle(login: number, text: string): Buffer {
  const colon = text.indexOf(':');
  if (colon < 0 || Number(text.slice(0, colon)) !== login) {
    throw new Error('QKMS_STALE_HANDLE: the object handle is from an earlier login');
  }
  return Buffer.from(text.slice(colon + 1), 'hex');
}

const ckrOf = (err: unknown): string => describeFailure(err, '').ckr;

export function scanData(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  login: number,
  application: string,
): string[] {
  return findObjects(p11, session, dataObjectSearch(application)).map((h) =>
    encodeHandle(login, h),
  );
}

/** Label and value of each object; null where the object no longer exists (for this login). */
export function readData(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  login: number,
  handles: readonly string[],
): (DataObject | null)[] {
  return handles.map((text) => {
    try {
      const [label, value] = p11.C_GetAttributeValue(session, decodeHandle(login, text), [
        { type: CKA.LABEL },
        { type: CKA.VALUE },
      ]);
      return {
        handle: text,
        label: (label?.value as Buffer).toString('utf8'),
        value: new Uint8Array(value?.value as Buffer),
      };
    } catch (err) {
      // Destroyed (here or by another process), or named by an earlier login's handle: either
      // way not there for this login, which the caller answers by searching again.
      const ckr = ckrOf(err);
      if (ckr === 'CKR_OBJECT_HANDLE_INVALID' || ckr === 'QKMS_STALE_HANDLE') return null;
      throw err;
    }
  });
}

export function createData(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  login: number,
  application: string,
  label: string,
  value: Uint8Array,
): string {
  const handle = p11.C_CreateObject(
    session,
    dataObjectTemplate(application, label, Buffer.from(value)),
  );
  return encodeHandle(login, handle);
}

/**
 * Destroys the objects in order; one already gone is skipped, not an error. A handle from an
 * earlier login is an error: its object may still exist, and the caller must not count it gone.
 */
export function destroyData(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  login: number,
  handles: readonly string[],
): void {
  for (const text of handles) {
    try {
      p11.C_DestroyObject(session, decodeHandle(login, text));
    } catch (err) {
      if (ckrOf(err) !== 'CKR_OBJECT_HANDLE_INVALID') throw err;
    }
  }
}
