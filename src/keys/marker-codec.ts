// Paging markers for the catalog's listings that only this gateway could have issued, for one
// operation and one owner (the key of ListResourceTags, the KeyId filter of ListAliases): the
// position, then an HMAC over everything. The key is a secret kept in the metadata store, so
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

export class MarkerCodec {
  constructor(private readonly key: Buffer) {}

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key)
      .update('qkms paging marker\0')
      .update(body)
      .digest()
      .subarray(0, 16);
  }

  /** A marker for the page after `last`, valid only for `operation` and `owner`. */
  encode(operation: string, owner: string, last: string): string {
    const body = Buffer.from(JSON.stringify([operation, owner, last]), 'utf8').toString(
      'base64url',
    );
    return `${PREFIX}${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The position a marker names, if this gateway issued it for this operation and owner. */
  decode(marker: string, operation: string, owner: string): string {
    if (!marker.startsWith(PREFIX)) throw invalid();
    const [body, tag, ...rest] = marker.slice(PREFIX.length).split('.');
    if (body === undefined || tag === undefined || rest.length > 0) throw invalid();
    const given = Buffer.from(tag, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
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
