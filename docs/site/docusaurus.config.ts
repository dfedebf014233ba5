// The QKMS documentation site: every page of docs/ (the guides, and the API reference that
// `npm run docs:api` generates), built offline. Nothing here fetches at build time or in the
// reader's browser, except the calls a reader sends with "Try it out".

import { resolve } from 'node:path';
import type { Config } from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import { themes } from 'prism-react-renderer';
import repositoryLinks from './src/remark/repository-links';

const DOCS = resolve(__dirname, '..');

const config: Config = {
  title: 'QKMS',
  tagline: 'The AWS KMS signing API, with the keys in your HSM',
  url: 'http://localhost',
  baseUrl: '/',
  trailingSlash: false,
  // A link to a page that does not exist fails the build, so the generated reference and the
  // guides cannot point at nothing.
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: {
    // The guides are plain Markdown (read on GitHub too): only .mdx files are read as MDX.
    format: 'detect',
    hooks: { onBrokenMarkdownLinks: 'throw' },
  },
  presets: [
    [
      'classic',
      {
        docs: {
          path: '..',
          routeBasePath: '/',
          include: ['*.md', 'api/*.mdx'],
          exclude: ['site/**'],
          sidebarPath: './sidebars.ts',
          remarkPlugins: [
            [
              repositoryLinks,
              { docsDir: DOCS, rootDir: resolve(DOCS, '..'), unpublished: [resolve(DOCS, 'site')] },
            ],
          ],
        },
        blog: false,
        theme: { customCss: './src/css/custom.css' },
      } satisfies Preset.Options,
    ],
  ],
  themeConfig: {
    navbar: {
      title: 'QKMS',
      items: [
        { type: 'doc', docId: 'architecture', label: 'Guides', position: 'left' },
        { type: 'doc', docId: 'api/index', label: 'API reference', position: 'left' },
      ],
    },
    prism: {
      theme: themes.github,
      darkTheme: themes.dracula,
      additionalLanguages: ['http', 'bash', 'yaml', 'json'],
    },
    colorMode: { respectPrefersColorScheme: true },
  } satisfies Preset.ThemeConfig,
};

export default config;
