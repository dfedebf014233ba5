// Lint rules: typescript-eslint's recommended set, plus a ban on `any` and on console output
// outside the CLI (the daemon logs through pino).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // docs/site is a separate package (its own dependencies, TSX, its own strict typecheck).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'docs/site/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  { files: ['src/cli/**', 'test/**', 'bench/**', 'scripts/**'], rules: { 'no-console': 'off' } },
);
