// The values examples are written with: ARNs in the configured scope (the schema's defaults, as
// `qkms dev` runs), the demo keys `qkms dev` creates, keys of the reader's own, and placeholders
// for what differs per call. Tests replay every example against a real gateway, standing the
// gateway's own key ids in for the example ids below.

import { demoAlias } from '../cli/dev-token';
import type { KeySpec, KeyUsage } from '../crypto/key-specs';
import { CONFIG_FIELDS } from '../config/schema';
import { aliasArn, keyArn, type ArnScope } from '../keys/arns';
import type { Placeholder } from './doc-types';

const defaultOf = (path: string): string => {
  const field = CONFIG_FIELDS.find((f) => f.path === path);
  if (typeof field?.default !== 'string') throw new Error(`${path} has no default`);
  return field.default;
};

/** ARNs as a gateway with the default `arn` settings writes them. */
export const SCOPE: ArnScope = {
  partition: defaultOf('arn.partition'),
  region: defaultOf('arn.region'),
  account: defaultOf('arn.account'),
};

export interface ExampleKey {
  /** The id the examples show; each reader's own key has another. */
  readonly keyId: string;
  readonly spec: KeySpec;
  /** The `qkms dev` demo alias naming it, for keys examples only read; none for keys they change. */
  readonly alias?: string;
  /** A key of the reader's own: its description. */
  readonly description?: string;
}

const demo = (keyId: string, spec: KeySpec, usage?: KeyUsage): ExampleKey => ({
  keyId,
  spec,
  alias: demoAlias(spec, usage),
});

export const KEYS = {
  p256: demo('a3c1f0e2-7b5d-4e8a-9f61-2d0c4b7e8a19', 'ECC_NIST_P256'),
  rsa2048: demo('5e9b2d47-1c3f-4a6e-b8d0-7f2a9c1e4b63', 'RSA_2048'),
  ed25519: demo('e41a6c08-2d9f-4b35-a7c1-8f3e5b0d6a92', 'ECC_NIST_EDWARDS25519'),
  hmac256: demo('c7d4e1a9-3f6b-4b2c-8e5a-0d9f1b7c3e28', 'HMAC_256'),
  symmetric: demo('2b8f4c61-9e3a-4d7b-a0c5-6e1f8d2b7a94', 'SYMMETRIC_DEFAULT'),
  rsaEncrypt: demo('7a3c9e15-4d2b-4f8a-b6e0-1c5d8f2a9e37', 'RSA_2048', 'ENCRYPT_DECRYPT'),
  ecdhP256: demo('b5e2a7d9-6f1c-4a3b-9d84-3e0c7f1a5b62', 'ECC_NIST_P256', 'KEY_AGREEMENT'),
  /** A key of the reader's own, which examples disable, tag, alias and schedule for deletion. */
  own: {
    keyId: '0f6e1c4a-8d2b-4c7e-a935-6b1d4e2f8c70',
    spec: 'ECC_NIST_P256',
    description: 'Signs payment instructions',
  },
  /** A SYMMETRIC_DEFAULT key of the reader's own, which the rotation examples rotate. */
  ownSymmetric: {
    keyId: '6a0d3b58-9e21-4f7c-b3a4-1e8c5d2f7a90',
    spec: 'SYMMETRIC_DEFAULT',
    description: 'Encrypts customer records',
  },
  /** A second key of the reader's own (the new target of UpdateAlias). */
  next: {
    keyId: '9b2e7d31-4a6c-4f8e-b1d5-3c0a7e9f2b46',
    spec: 'ECC_NIST_P256',
    description: 'Signs payment instructions (next year)',
  },
} as const satisfies Record<string, ExampleKey>;

export const arnOf = (key: ExampleKey): string => keyArn(SCOPE, key.keyId);
export const aliasArnOf = (alias: string): string => aliasArn(SCOPE, alias);
export const aliasOf = (key: ExampleKey): string => {
  if (!key.alias) throw new Error(`example key ${key.keyId} has no alias`);
  return key.alias;
};

/** UTF-8 text as the base64 a blob member takes on the wire. */
export const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

const BASE64 = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const EPOCH = '^[0-9]{10}(?:\\.[0-9]+)?$';
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Values that differ per call or per installation. */
export const perCall = {
  base64: (what: string): Placeholder => ({
    $placeholder: `<${what}, base64>`,
    type: 'string',
    pattern: BASE64,
  }),
  epoch: (what: string): Placeholder => ({
    $placeholder: `<${what}, epoch seconds>`,
    type: 'number',
    pattern: EPOCH,
  }),
  keyId: (): Placeholder => ({ $placeholder: '<key id>', type: 'string', pattern: `^${UUID}$` }),
  keyArn: (): Placeholder => ({
    $placeholder: keyArn(SCOPE, '<key id>'),
    type: 'string',
    pattern: `^${escapeRegExp(keyArn(SCOPE, ''))}${UUID}$`,
  }),
  requestId: (): Placeholder => ({
    $placeholder: '<request id>',
    type: 'string',
    pattern: `^${UUID}$`,
  }),
  /** KeyMaterialId: the SHA-256 of a material's id (operations/material-id.ts). */
  keyMaterialId: (): Placeholder => ({
    $placeholder: '<key material id, 64 hex digits>',
    type: 'string',
    pattern: '^[0-9a-f]{64}$',
  }),
  marker: (): Placeholder => ({
    $placeholder: '<marker>',
    type: 'string',
    pattern: '^qkms2\\.[A-Za-z0-9_.-]+$',
  }),
  /** In a request: a value a `given` step captured, named `name`. */
  captured: (name: string, what: string): Placeholder => ({
    $placeholder: `<${what}>`,
    type: 'string',
    pattern: '.*',
    from: name,
  }),
};
