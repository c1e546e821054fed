import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './scripts/lint-boundaries.js';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', '.venv', 'public', 'test-results', 'playwright-report', 'artifacts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Which folder may import which: scripts/lint-boundaries.js.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { local: boundaries },
    rules: { 'local/boundaries': 'error' },
  },
  {
    // The engine is framework-free: it runs unchanged in Node, the worker and tests.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'fetch', 'performance'],
    },
  },
);
