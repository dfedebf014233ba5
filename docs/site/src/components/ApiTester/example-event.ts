// How an example hands its request to the page's "Try it out" panel.

import type { DocObject } from '../shared/doc-values';

export const EXAMPLE_EVENT = 'qkms:try-example';

export interface ExampleEventDetail {
  readonly operation: string;
  readonly request: DocObject;
}
