// One build for every bundle. `node esbuild.js [--watch] [--production]`.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Node bundles: name -> entry point. */
const nodeEntries = {
  extension: 'extension/extension.ts',
  cli: 'cli/main.ts',
  'debug-adapter': 'debug-adapter/main.ts',
  'language-server': 'language-server/main.ts',
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  define: { FTPY_VERSION: JSON.stringify(require('./package.json').version) },
  logLevel: 'info',
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
  },
  {
    ...common,
    // The runtime panel's webview (its CSS lands next to it as runtime.css).
    entryPoints: { runtime: 'extension/webview/runtime/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  },
];

async function main() {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
