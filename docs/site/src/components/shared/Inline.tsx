// The little Markdown the generated tables' texts use: `code` spans and [links](target).

import Link from '@docusaurus/Link';
import type { ReactNode } from 'react';

const TOKEN = /(`[^`]+`|\[[^\]]+\]\([^)]+\))/;

export default function Inline({ text }: { text: string }): ReactNode {
  return text.split(TOKEN).map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`')) return <code key={i}>{part.slice(1, -1)}</code>;
    const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(part);
    if (link)
      return (
        <Link key={i} to={link[2]}>
          {link[1]}
        </Link>
      );
    return part;
  });
}
