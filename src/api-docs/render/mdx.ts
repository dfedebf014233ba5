// Writing MDX safely: prose with MDX's special characters escaped outside code spans, and
// components whose props are plain JSON.

/**
 * Escapes what MDX would read as JSX or expressions (`<`, `>`, `{`, `}`) outside code spans, so
 * prose written for Markdown stays prose.
 */
export function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[<>{}]/g, (c) => `\\${c}`)))
    .join('');
}

/** A Markdown table cell: prose with pipes escaped (also inside code spans, as GFM wants). */
export const cell = (text: string): string => prose(text).replace(/\|/g, '\\|');

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A self-closing component with JSON props (an MDX expression each). */
export function component(name: string, props: Readonly<Record<string, unknown>>): string {
  const attrs = Object.entries(props)
    .filter(([, value]) => value !== undefined)
    // Always an expression: JSX attribute strings know no escapes, JSON strings do.
    .map(([key, value]) => `${key}={${JSON.stringify(value)}}`);
  return `<${name}\n  ${attrs.join('\n  ')}\n/>`;
}

/** YAML front matter with string values quoted as JSON (a subset of YAML). */
export function frontMatter(fields: Readonly<Record<string, string | number>>): string {
  const lines = Object.entries(fields).map(
    ([key, value]) => `${key}: ${typeof value === 'number' ? value : JSON.stringify(value)}`,
  );
  return `---\n${lines.join('\n')}\n---`;
}

export const GENERATED_NOTICE =
  '{/* Generated from the code by `npm run docs:api` (src/api-docs). Do not edit by hand. */}';
