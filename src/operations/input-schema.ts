// How an operation declares its input: member name → shape and constraints, as botocore's
// service model states them. The HTTP adapter decodes and validates against this and produces
// AWS's validation messages; handlers receive typed, already-checked input.

export type MemberSchema =
  | {
      readonly kind: 'string';
      readonly required?: boolean;
      readonly min?: number;
      readonly max?: number;
      readonly enum?: readonly string[];
      /** A regular expression the whole value must match, written as AWS's model writes it. */
      readonly pattern?: string;
    }
  | {
      readonly kind: 'blob';
      readonly required?: boolean;
      readonly min?: number;
      readonly max?: number;
    }
  | {
      readonly kind: 'integer';
      readonly required?: boolean;
      readonly min?: number;
      readonly max?: number;
    }
  | { readonly kind: 'boolean'; readonly required?: boolean }
  | {
      readonly kind: 'stringList';
      readonly required?: boolean;
      readonly maxItems?: number;
      readonly itemMin?: number;
      readonly itemMax?: number;
      /** The values each item may take, as AWS's model lists them. */
      readonly itemEnum?: readonly string[];
    }
  | { readonly kind: 'tagList'; readonly required?: boolean }
  /** A JSON object of string values (EncryptionContext). */
  | { readonly kind: 'stringMap'; readonly required?: boolean }
  /** A JSON object the operation reads itself (Decrypt's Recipient): only its type is checked. */
  | { readonly kind: 'object'; readonly required?: boolean };

export type InputSchema = Readonly<Record<string, MemberSchema>>;

type ValueOf<M extends MemberSchema> = M extends { kind: 'string'; enum: readonly (infer E)[] }
  ? E
  : M extends { kind: 'string' }
    ? string
    : M extends { kind: 'blob' }
      ? Buffer
      : M extends { kind: 'integer' }
        ? number
        : M extends { kind: 'boolean' }
          ? boolean
          : M extends { kind: 'tagList' }
            ? { TagKey: string; TagValue: string }[]
            : M extends { kind: 'stringMap' }
              ? Record<string, string>
              : M extends { kind: 'object' }
                ? Record<string, unknown>
                : string[];

type RequiredKeys<S extends InputSchema> = {
  [K in keyof S]: S[K] extends { required: true } ? K : never;
}[keyof S];

/** The decoded input type of a schema: required members present, the rest optional. */
export type InputOf<S extends InputSchema> = { -readonly [K in RequiredKeys<S>]: ValueOf<S[K]> } & {
  -readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: ValueOf<S[K]>;
};

/** Shared member shapes, written once. */
export const KEY_ID = { kind: 'string', required: true, min: 1, max: 2048 } as const;
export const GRANT_TOKENS = {
  kind: 'stringList',
  maxItems: 10,
  itemMin: 1,
  itemMax: 8192,
} as const;
export const LIMIT = { kind: 'integer', min: 1, max: 1000 } as const;
export const MARKER = { kind: 'string', min: 1, max: 1024 } as const;
export const TAGS = { kind: 'tagList' } as const;
export const DRY_RUN = { kind: 'boolean' } as const;
export const ENCRYPTION_CONTEXT = { kind: 'stringMap' } as const;
