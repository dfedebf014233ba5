// Every CKA template QKMS hands to the token, in one place. Keys are generated non-extractable
// and sensitive, named by CKA_ID (the key UUID's 16 bytes) and CKA_LABEL (the key id).

import type * as pkcs11js from 'pkcs11js';
import { CKA, CKK, CKM, CKO } from './constants';
import type { KeyPairGeneration, KeyPairUsage, SecretKeyKind } from './token-api';
import { derOctetString } from '../crypto/der';
import type { PublicKeyMaterial } from '../crypto/public-key';

export interface KeyPairTemplates {
  readonly mechanism: number;
  readonly publicKey: pkcs11js.Template;
  readonly privateKey: pkcs11js.Template;
}

/** What each half of a pair may do, by the KMS key usage it serves (one usage per key, as in KMS). */
const PAIR_USAGE: Readonly<
  Record<KeyPairUsage, { readonly publicKey: number[]; readonly privateKey: number[] }>
> = {
  sign: { publicKey: [CKA.VERIFY], privateKey: [CKA.SIGN] },
  decrypt: { publicKey: [CKA.ENCRYPT], privateKey: [CKA.DECRYPT] },
  derive: { publicKey: [], privateKey: [CKA.DERIVE] },
};

/**
 * Every usage flag of each half, set true for the key's own usage and false for the rest:
 * SoftHSM (and other tokens) default the ones left out to true, which would let a key agreement
 * key sign or a signing key unwrap (seen here with pkcs11-tool: "decrypt, sign, unwrap").
 */
const PUBLIC_FLAGS = [CKA.VERIFY, CKA.ENCRYPT, CKA.WRAP];
const PRIVATE_FLAGS = [CKA.SIGN, CKA.DECRYPT, CKA.DERIVE, CKA.UNWRAP];
const SECRET_FLAGS = [
  CKA.SIGN,
  CKA.VERIFY,
  CKA.ENCRYPT,
  CKA.DECRYPT,
  CKA.WRAP,
  CKA.UNWRAP,
  CKA.DERIVE,
];

const flags = (all: readonly number[], on: readonly number[]): pkcs11js.Template =>
  all.map((type) => ({ type, value: on.includes(type) }));

/**
 * `persistent` false makes session objects (the capability probe's). `exportable` makes a
 * session private key the gateway may read: only for GenerateDataKeyPair, whose private key
 * KMS hands to the caller by design.
 */
export function keyPairTemplates(
  generation: KeyPairGeneration,
  id: Buffer,
  label: string,
  persistent: boolean,
  exportable = false,
): KeyPairTemplates {
  const common = [
    { type: CKA.TOKEN, value: persistent && !exportable },
    { type: CKA.ID, value: id },
    { type: CKA.LABEL, value: label },
  ];
  const usage = PAIR_USAGE[generation.usage ?? 'sign'];
  const publicKey: pkcs11js.Template = [
    ...common,
    { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
    { type: CKA.PRIVATE, value: false },
    ...flags(PUBLIC_FLAGS, usage.publicKey),
  ];
  const privateKey: pkcs11js.Template = [
    ...common,
    { type: CKA.CLASS, value: CKO.PRIVATE_KEY },
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: !exportable },
    { type: CKA.EXTRACTABLE, value: exportable },
    ...flags(PRIVATE_FLAGS, usage.privateKey),
  ];
  switch (generation.kind) {
    case 'rsa':
      publicKey.push(
        { type: CKA.KEY_TYPE, value: CKK.RSA },
        { type: CKA.MODULUS_BITS, value: generation.bits },
        { type: CKA.PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      );
      privateKey.push({ type: CKA.KEY_TYPE, value: CKK.RSA });
      return { mechanism: CKM.RSA_PKCS_KEY_PAIR_GEN, publicKey, privateKey };
    case 'ec':
    case 'edwards': {
      const keyType = generation.kind === 'ec' ? CKK.EC : CKK.EC_EDWARDS;
      publicKey.push(
        { type: CKA.KEY_TYPE, value: keyType },
        { type: CKA.EC_PARAMS, value: Buffer.from(generation.curveOidDer, 'hex') },
      );
      privateKey.push({ type: CKA.KEY_TYPE, value: keyType });
      const mechanism =
        generation.kind === 'ec' ? CKM.EC_KEY_PAIR_GEN : CKM.EC_EDWARDS_KEY_PAIR_GEN;
      return { mechanism, publicKey, privateKey };
    }
  }
}

/** A token public-key object holding `material`, for verify-only keys. */
export function publicKeyTemplate(
  material: PublicKeyMaterial,
  id: Buffer,
  label: string,
): pkcs11js.Template {
  const template: pkcs11js.Template = [
    { type: CKA.CLASS, value: CKO.PUBLIC_KEY },
    { type: CKA.TOKEN, value: true },
    { type: CKA.PRIVATE, value: false },
    { type: CKA.VERIFY, value: true },
    { type: CKA.ID, value: id },
    { type: CKA.LABEL, value: label },
  ];
  if (material.kind === 'rsa') {
    template.push(
      { type: CKA.KEY_TYPE, value: CKK.RSA },
      { type: CKA.MODULUS, value: Buffer.from(material.modulus) },
      { type: CKA.PUBLIC_EXPONENT, value: Buffer.from(material.exponent) },
    );
  } else {
    template.push(
      { type: CKA.KEY_TYPE, value: material.kind === 'ec' ? CKK.EC : CKK.EC_EDWARDS },
      { type: CKA.EC_PARAMS, value: Buffer.from(material.curveOidDer, 'hex') },
      // CKA_EC_POINT is a DER OCTET STRING holding the point.
      { type: CKA.EC_POINT, value: derOctetString(Buffer.from(material.point)) },
    );
  }
  return template;
}

/**
 * A non-extractable secret key: a generic secret for HMAC (SoftHSM and most HSMs accept
 * CKK_GENERIC_SECRET) or an AES key for symmetric encryption.
 */
export function secretKeyTemplate(
  bytes: number,
  id: Buffer,
  label: string,
  persistent: boolean,
  kind: SecretKeyKind = 'hmac',
): { readonly mechanism: number; readonly template: pkcs11js.Template } {
  const uses = kind === 'aes' ? [CKA.ENCRYPT, CKA.DECRYPT] : [CKA.SIGN, CKA.VERIFY];
  const template: pkcs11js.Template = [
    { type: CKA.CLASS, value: CKO.SECRET_KEY },
    { type: CKA.KEY_TYPE, value: kind === 'aes' ? CKK.AES : CKK.GENERIC_SECRET },
    { type: CKA.TOKEN, value: persistent },
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: true },
    { type: CKA.EXTRACTABLE, value: false },
    ...flags(SECRET_FLAGS, uses),
    { type: CKA.VALUE_LEN, value: bytes },
    { type: CKA.ID, value: id },
    { type: CKA.LABEL, value: label },
  ];
  return { mechanism: kind === 'aes' ? CKM.AES_KEY_GEN : CKM.GENERIC_SECRET_KEY_GEN, template };
}

/**
 * The session object an ECDH derivation writes its shared secret into: readable by the gateway,
 * because KMS's DeriveSharedSecret returns the raw secret; destroyed right after it is read.
 */
export function derivedSecretTemplate(bytes: number): pkcs11js.Template {
  return [
    { type: CKA.CLASS, value: CKO.SECRET_KEY },
    { type: CKA.KEY_TYPE, value: CKK.GENERIC_SECRET },
    { type: CKA.TOKEN, value: false },
    { type: CKA.PRIVATE, value: true },
    { type: CKA.SENSITIVE, value: false },
    { type: CKA.EXTRACTABLE, value: true },
    { type: CKA.VALUE_LEN, value: bytes },
  ];
}

/** Objects with the locator's CKA_ID and/or CKA_LABEL, of one class or (null) of any. */
export function keyObjectSearch(
  objectClass: number | null,
  locator: { idHex?: string; label?: string },
): pkcs11js.Template {
  const template: pkcs11js.Template =
    objectClass === null ? [] : [{ type: CKA.CLASS, value: objectClass }];
  if (locator.idHex !== undefined)
    template.push({ type: CKA.ID, value: Buffer.from(locator.idHex, 'hex') });
  if (locator.label !== undefined) template.push({ type: CKA.LABEL, value: locator.label });
  return template;
}

export function dataObjectSearch(application: string, label?: string): pkcs11js.Template {
  const template: pkcs11js.Template = [
    { type: CKA.CLASS, value: CKO.DATA },
    { type: CKA.APPLICATION, value: application },
  ];
  if (label !== undefined) template.push({ type: CKA.LABEL, value: label });
  return template;
}

export function dataObjectTemplate(
  application: string,
  label: string,
  value: Buffer,
): pkcs11js.Template {
  return [
    ...dataObjectSearch(application, label),
    { type: CKA.TOKEN, value: true },
    // Metadata is not secret, but keeping it private hides it from unauthenticated sessions.
    { type: CKA.PRIVATE, value: true },
    { type: CKA.VALUE, value },
  ];
}
