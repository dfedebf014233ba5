// Guides link to files of the repository outside docs/ (test recipes, deploy manifests), which
// the site does not publish: such a link becomes its text and the file's path in the
// repository, so the build's broken-link check stays strict for every link the site can serve.

import { dirname, relative, resolve, sep } from 'node:path';

interface MdNode {
  type: string;
  url?: string;
  value?: string;
  children?: MdNode[];
}

interface Options {
  /** The docs directory the site publishes. */
  readonly docsDir: string;
  /** The repository's root, for the paths shown. */
  readonly rootDir: string;
  /** Directories inside docsDir that are not published (the site itself). */
  readonly unpublished: readonly string[];
}

const isRelative = (url: string): boolean => !/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(url);

export default function repositoryLinks(options: Options) {
  const published = (target: string): boolean =>
    (target === options.docsDir || target.startsWith(options.docsDir + sep)) &&
    !options.unpublished.some((dir) => target === dir || target.startsWith(dir + sep));

  const rewrite = (node: MdNode, from: string): void => {
    node.children?.forEach((child, i, siblings) => {
      const url = child.type === 'link' ? child.url : undefined;
      if (url && isRelative(url)) {
        const target = resolve(from, decodeURIComponent(url.split('#')[0] ?? ''));
        if (!published(target)) {
          const path = relative(options.rootDir, target).split(sep).join('/');
          siblings.splice(
            i,
            1,
            ...(child.children ?? []),
            { type: 'text', value: ' (' },
            { type: 'inlineCode', value: path },
            { type: 'text', value: ' in the repository)' },
          );
          return;
        }
      }
      rewrite(child, from);
    });
  };

  return (tree: MdNode, file: { path?: string; history?: string[] }) => {
    const path = file.path ?? file.history?.[0];
    if (path) rewrite(tree, dirname(path));
  };
}
