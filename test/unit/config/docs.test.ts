// docs/configuration.md is generated from the schema; this keeps the committed copy current.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigDocs } from '../../../src/config/docs';
import { loadConfig } from '../../../src/config/load';
import { CONFIG_FIELDS } from '../../../src/config/schema';

describe('docs/configuration.md', () => {
  const committed = readFileSync(join(__dirname, '../../../docs/configuration.md'), 'utf8');

  it('matches what npm run docs:config renders from the schema', () => {
    expect(committed).toBe(renderConfigDocs());
  });

  it('documents every setting with its environment variable', () => {
    for (const field of CONFIG_FIELDS) {
      expect(committed).toContain(`| \`${field.path}\` | \`${field.env}\` |`);
    }
  });
});

describe('example configurations in config/', () => {
  it.each(['softhsm.yaml', 'production.example.yaml'])('%s passes the schema', (file) => {
    const text = readFileSync(join(__dirname, '../../../config', file), 'utf8');
    const loaded = loadConfig(text, {
      QKMS_PIN: 'example-pin',
      QKMS_CREDENTIALS:
        'principals:\n  app:\n    - accessKeyId: QKMSEXAMPLEKEY01\n      secretAccessKey: example-secret-0123\n',
    });
    expect(loaded.config.pkcs11.tokenLabel.length).toBeGreaterThan(0);
  });
});
