// The shapes of the API reference's own data: what each operation's page says beyond what its
// input schema and error list already say (prose, response members, examples).

import type { KmsErrorName } from '../errors/kms-error';

/**
 * A value that differs per call or per installation (a signature, a date, a new key id): shown
 * as `shown` (which names it between < and >), matched in tests by `pattern`.
 */
export interface Placeholder {
  readonly $placeholder: string;
  readonly type: 'string' | 'number';
  /** A regular expression every real value matches (numbers are matched as decimal text). */
  readonly pattern: string;
  /** In a request: the value a `given` step captured under this name. */
  readonly from?: string;
}

export type DocValue =
  | string
  | number
  | boolean
  | Placeholder
  | readonly DocValue[]
  | { readonly [member: string]: DocValue };

export type DocObject = { readonly [member: string]: DocValue };

/** The wire shape of a response member. */
export type Shape =
  | { readonly kind: 'string'; readonly values?: readonly string[] }
  | { readonly kind: 'blob' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'list'; readonly of: Shape }
  | { readonly kind: 'structure'; readonly name: string; readonly members: OutputMembers };

export interface OutputMember {
  readonly shape: Shape;
  readonly doc: string;
}

export type OutputMembers = Readonly<Record<string, OutputMember>>;

/** A call made before an example's request, so that the example holds on any token. */
export interface GivenStep {
  readonly operation: string;
  readonly input: DocObject;
  /** Output members kept for the example's request: name → member. */
  readonly capture?: Readonly<Record<string, string>>;
  /** What the step is, in words, for the page. */
  readonly says: string;
}

export type ExampleAnswer =
  | { readonly status: 200; readonly body: DocObject }
  | { readonly error: KmsErrorName; readonly message: DocValue };

export interface ExampleSpec {
  readonly title: string;
  readonly says: string;
  readonly given?: readonly GivenStep[];
  readonly request: DocObject;
  readonly answer: ExampleAnswer;
}

/** What an operation's page says that the code does not already. */
export interface OperationDoc {
  /** One sentence: the page's description and the operation's row in compatibility.md. */
  readonly summary: string;
  /** Paragraphs after the summary (Markdown). */
  readonly about: readonly string[];
  /** The note box: the rules a caller must know (key usage, specs, limits). */
  readonly rules: readonly string[];
  /** Every input member's meaning (types and constraints come from the schema). */
  readonly members: Readonly<Record<string, string>>;
  readonly output: OutputMembers;
  /** At least two; the first also fills the page's "Try it out" form. */
  readonly examples: readonly ExampleSpec[];
}
