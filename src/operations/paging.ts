// Limit/Marker paging shared by the List operations. A marker names the last item returned,
// so pages stay consistent when keys are added between calls; a marker QKMS did not issue is
// InvalidMarkerException.

import { KmsError } from '../errors/kms-error';

const PREFIX = 'qkms1.';

export interface Page<T> {
  readonly items: T[];
  readonly nextMarker?: string;
}

export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  limit = 100,
  marker?: string,
): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const after = marker.startsWith(PREFIX)
      ? Buffer.from(marker.slice(PREFIX.length), 'base64url').toString('utf8')
      : '';
    if (
      after === '' ||
      Buffer.from(after, 'utf8').toString('base64url') !== marker.slice(PREFIX.length)
    ) {
      throw new KmsError(
        'InvalidMarkerException',
        'The marker that specifies where pagination should next begin is not valid.',
      );
    }
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + limit < sorted.length && last !== undefined;
  return more
    ? { items, nextMarker: PREFIX + Buffer.from(keyOf(last), 'utf8').toString('base64url') }
    : { items };
}

/** The paging members of a List response. */
export function pageFields<T>(page: Page<T>): { NextMarker?: string; Truncated: boolean } {
  return page.nextMarker === undefined
    ? { Truncated: false }
    : { NextMarker: page.nextMarker, Truncated: true };
}
