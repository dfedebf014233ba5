// Paging markers for the catalog's listings that only this gateway could have issued, for one
// operation and one owner (the key of ListResourceTags, the KeyId filter of ListAliases): the
// position, then an HMAC over everything. The keys are secrets kept in the metadata store, so
// every worker and replica of the store accepts every other's markers. Anything else is
// InvalidMarkerException, as in AWS KMS.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { KmsError } from '../errors/kms-error';

const PREFIX = 'qkms2.';

const invalid = (): KmsError =>
  new KmsError(
    'InvalidMarkerException',
    'The marker that specifies where pagination should next begin is not valid.',
  );

/** A tag is 16 bytes in base64url: exactly 22 characters, the form `encode` writes. */
const TAG = /^[A-Za-z0-9_-]{22}$/;

/**
 * The keys markers are made and checked with, asked on every use: the first makes markers,
 * every one is accepted (a key the store learns of later, or two made at once on two hosts).
 */
export type MarkerKeys = () => readonly Buffer[];

export class MarkerCodec {
  private readonly keys: MarkerKeys;

  constructor(keys: Buffer | MarkerKeys) {
    this.keys = Buffer.isBuffer(keys) ? () => [keys] : keys;
  }

  private static tag(key: Buffer, body: string): string {
    return createHmac('sha256', key)
      .update('qkms paging marker\0')
      .update(body)
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }

  /** A marker for the page after `last`, valid only for `operation` and `owner`. */
  encode(operation: string, owner: string, last: string): string {
    const body = Buffer.from(JSON.stringify([operation, owner, last]), 'utf8').toString(
      'base64url',
    );
    const [key] = this.keys();
    if (!key) throw new Error('no paging-marker key');
    return `${PREFIX}${body}.${MarkerCodec.tag(key, body)}`;
  }

  /** The position a marker names, if this gateway issued it for this operation and owner. */
  decode(marker: string, operation: string, owner: string): string {
    if (!marker.startsWith(PREFIX)) throw invalid();
    const [body, tag, ...rest] = marker.slice(PREFIX.length).split('.');
    if (body === undefined || tag === undefined || rest.length > 0) throw invalid();
    // Compared as text: base64url decoding is lenient (padding, stray characters, unused bits),
    // and a marker must be exactly one that was issued.
    if (tag === undefined || !TAG.test(tag)) throw invalid();
    const given = Buffer.from(tag, 'latin1');
    const issued = this.keys().some((key) =>
      timingSafeEqual(given, Buffer.from(MarkerCodec.tag(key, body), 'latin1')),
    );
    if (!issued) throw invalid();
    let fields: unknown;
    try {
      fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (
      !Array.isArray(fields) ||
      fields.length !== 3 ||
      fields[0] !== operation ||
      fields[1] !== owner
    )
      throw invalid();
    const last: unknown = fields[2];
    if (typeof last !== 'string') throw invalid();
    return last;
  }
}
