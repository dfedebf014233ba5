// Limit/Marker paging shared by the List operations. A marker names the last item returned,
// so pages stay consistent when keys are added between calls; it is bound to the operation
// and owner that issued it and cannot be forged (marker-codec.ts).

import type { MarkerCodec } from '../keys/marker-codec';

export interface Page<T> {
  readonly items: T[];
  readonly nextMarker?: string;
}

/** Which listing a marker belongs to: the operation, and the key (or filter) it lists for. */
export interface MarkerScope {
  readonly codec: MarkerCodec;
  readonly operation: string;
  readonly owner: string;
}

export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  scope: MarkerScope,
  limit = 100,
  marker?: string,
): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const after = scope.codec.decode(marker, scope.operation, scope.owner);
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + limit);
  const last = items[items.length - 1];
  const more = start + limit < sorted.length && last !== undefined;
  return more
    ? { items, nextMarker: scope.codec.encode(scope.operation, scope.owner, keyOf(last)) }
    : { items };
}

/** The paging members of a List response. */
export function pageFields<T>(page: Page<T>): { NextMarker?: string; Truncated: boolean } {
  return page.nextMarker === undefined
    ? { Truncated: false }
    : { NextMarker: page.nextMarker, Truncated: true };
}
