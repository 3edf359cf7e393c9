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
/** Imports flow downward: runtime/ at the bottom; the adapter, the CLI and the language server
 * on it, none of them on another; the extension at the top (it may use the adapter's protocol). */
/** @param {string[]} layers @param {string} who */
const above = (layers, who) => ({
  group: layers.flatMap((layer) => [`**/${layer}/*`, `**/${layer}`]),
  message: `${who} must not import ${layers.join(', ')}: imports flow downward (layering).`,
});
/** @param {...{ group: string[], message: string }} patterns @returns {import('eslint').Linter.RuleEntry} */
const restricted = (...patterns) => ['error', { paths: [vscodeImport], patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'out/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': restricted(),
    },
  },
  {
    files: ['runtime/**/*.ts'],
    rules: { 'no-restricted-imports': restricted(dapPatterns, above(['debug-adapter', 'cli', 'language-server', 'extension'], 'runtime/')) },
  },
  {
    files: ['debug-adapter/**/*.ts'],
    rules: { 'no-restricted-imports': restricted(above(['cli', 'language-server', 'extension'], 'debug-adapter/')) },
  },
  {
    files: ['cli/**/*.ts'],
    rules: { 'no-restricted-imports': restricted(above(['debug-adapter', 'language-server', 'extension'], 'cli/')) },
  },
  {
    files: ['language-server/**/*.ts'],
    rules: { 'no-restricted-imports': restricted(above(['debug-adapter', 'cli', 'extension'], 'language-server/')) },
  },
  {
    files: ['extension/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [above(['cli', 'language-server'], 'extension/')] }] },
  },
  {
    // Scripts run by Node directly (the build, npm start/test, the webview bundle's input).
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs', 'esbuild.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
