// Lists the key objects in a token straight through the PKCS#11 module (pkcs11js in a child
// process, so this test process never loads SoftHSM), without any QKMS code: the independent
// view that finds key objects QKMS has lost track of.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { SOFTHSM_MODULE_PATH, type ThrowawayToken } from './metadata-harness';

export interface TokenKeyObject {
  /** CKO_PUBLIC_KEY (2), CKO_PRIVATE_KEY (3), CKO_SECRET_KEY (4). */
  readonly objectClass: number;
  readonly label: string;
  readonly idHex: string;
}

export const OBJECT_CLASS_NAMES: Readonly<Record<number, string>> = {
  2: 'CKO_PUBLIC_KEY',
  3: 'CKO_PRIVATE_KEY',
  4: 'CKO_SECRET_KEY',
};

// Numbers from PKCS#11 2.40: CKF_OS_LOCKING_OK 2, CKF_SERIAL_SESSION 4, CKU_USER 1,
// CKA_CLASS 0, CKA_LABEL 3, CKA_ID 0x102.
const SCAN_SCRIPT = `
const pkcs11js = require('pkcs11js');
const p11 = new pkcs11js.PKCS11();
p11.load(process.env.SCAN_MODULE);
p11.C_Initialize({ flags: 2 });
try {
  const slot = p11.C_GetSlotList(true).find(
    (s) => p11.C_GetTokenInfo(s).label.trim() === process.env.SCAN_LABEL,
  );
  if (slot === undefined) throw new Error('no token labelled ' + process.env.SCAN_LABEL);
  const session = p11.C_OpenSession(slot, 4);
  p11.C_Login(session, 1, process.env.SCAN_PIN);
  const out = [];
  for (const objectClass of [2, 3, 4]) {
    p11.C_FindObjectsInit(session, [{ type: 0, value: objectClass }]);
    const handles = [];
    for (;;) {
      const batch = p11.C_FindObjects(session, 256);
      if (batch.length === 0) break;
      handles.push(...batch);
    }
    p11.C_FindObjectsFinal(session);
    for (const h of handles) {
      try {
        const [label, id] = p11.C_GetAttributeValue(session, h, [{ type: 3 }, { type: 0x102 }]);
        out.push({
          objectClass,
          label: Buffer.from(label.value || []).toString('utf8'),
          idHex: Buffer.from(id.value || []).toString('hex'),
        });
      } catch (err) {
        // Destroyed between the search and the read.
      }
    }
  }
  p11.C_Logout(session);
  p11.C_CloseSession(session);
  process.stdout.write(JSON.stringify(out));
} finally {
  p11.C_Finalize();
}
`;

/** Every public, private and secret key object in the token, as the module reports them. */
export function scanKeyObjects(token: ThrowawayToken): Promise<TokenKeyObject[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', SCAN_SCRIPT],
      {
        cwd: join(__dirname, '../..'),
        env: {
          PATH: process.env.PATH ?? '',
          SOFTHSM2_CONF: token.softhsmConf,
          SCAN_MODULE: SOFTHSM_MODULE_PATH,
          SCAN_LABEL: token.label,
          SCAN_PIN: token.pin,
        },
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`token scan failed: ${String(err)}\n${stderr}`));
        else resolve(JSON.parse(stdout) as TokenKeyObject[]);
      },
    );
  });
}

/** The 16 bytes of a key id (a UUID) as hex: the CKA_ID QKMS gives a key's objects. */
export const uuidHex = (keyId: string): string => keyId.replace(/-/g, '').toLowerCase();

export const describeObject = (o: TokenKeyObject): string =>
  `${OBJECT_CLASS_NAMES[o.objectClass] ?? o.objectClass} label=${JSON.stringify(o.label)} id=${o.idHex}`;

/**
 * SoftHSM's own debris: C_GenerateKeyPair / C_GenerateKey create each object file, write the
 * class defaults (empty CKA_LABEL and CKA_ID), and only then write the template in a second
 * step (SoftHSM.cpp: token->createObject(), p11object->init(), p11object->saveTemplate()). A
 * kill -9 between the two leaves a key object with no label and no id, which no application can
 * tell apart from anyone else's object. A real HSM creates objects atomically.
 */
export const isUnmarked = (o: TokenKeyObject): boolean => o.label === '' && o.idHex === '';

/**
 * Key objects that carry QKMS's markers (a CKA_LABEL or a CKA_ID) yet belong to no key the
 * daemon lists: a label that is not a listed key id, or an id that is not that key's UUID.
 */
export function orphans(objects: readonly TokenKeyObject[], listed: ReadonlySet<string>): string[] {
  return objects
    .filter((o) => !isUnmarked(o))
    .filter((o) => !listed.has(o.label) || o.idHex !== uuidHex(o.label))
    .map(describeObject);
}
