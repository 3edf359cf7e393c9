// Lint rules, including the layering: only extension/ imports 'vscode';
// runtime/ imports neither 'vscode' nor the DAP library.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const vscodeImport = { name: 'vscode', message: "Only extension/ may import 'vscode' (layering)." };
const dapPatterns = {
  group: ['@vscode/debugadapter', '@vscode/debugadapter/*'],
  message: 'runtime/ must not import the DAP library (layering).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'out/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [vscodeImport] }],
    },
  },
  {
    files: ['runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [vscodeImport], patterns: [dapPatterns] }],
    },
  },
  {
    files: ['extension/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
