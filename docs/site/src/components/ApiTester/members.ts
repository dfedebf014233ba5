// The input members "Try it out" offers, as the generator passes them: each member's schema
// (the one the gateway validates with) and its meaning.

export type MemberKind = 'string' | 'blob' | 'integer' | 'boolean' | 'stringList' | 'tagList';

export interface Member {
  readonly name: string;
  readonly kind: MemberKind;
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly maxItems?: number;
  readonly itemMin?: number;
  readonly itemMax?: number;
  readonly doc: string;
}

/** What the reader typed for one member; empty text means "leave the member out". */
export interface FieldValue {
  readonly text: string;
  /** Blobs only: how the text is to be read. */
  readonly encoding: 'utf8' | 'base64';
}

export const EMPTY: FieldValue = { text: '', encoding: 'utf8' };
