// `npm start` and `npm test` on a fresh machine: everything they need, each
// step skipped quickly when already done, then the workbench or the tests.
//
//   node scripts/bootstrap.mjs start [serve.mjs options]   serve examples/ in VS Code at
//                                                           http://127.0.0.1:8080 (FTPY_PORT)
//   node scripts/bootstrap.mjs test                         run every test tier
//   node scripts/bootstrap.mjs repeat N [tier]              run every tier (or one) N times, then count failures per test
//   node scripts/bootstrap.mjs prepare                      only prepare (before running one tier by hand)
//
// Plain Node: it runs before node_modules exists.
import fs from 'node:fs';
import path from 'node:path';
import { ensureChromium } from './lib/chromium.mjs';
import { ensureCodeServer } from './lib/code-server.mjs';
import { installExtension } from './lib/extension.mjs';
import { ensureNodeModules } from './lib/npm-deps.mjs';
import { packageExtension } from './package.mjs';
import { ensureDebianPackages } from './lib/apt.mjs';
import { checkoutCache, repoRoot } from './lib/paths.mjs';
import { run } from './lib/run.mjs';
import { provisionRuntime } from './lib/runtime.mjs';
import { note, seconds, step } from './lib/step.mjs';
import { repeatTiers } from './lib/repeat.mjs';
import { runTiers } from './lib/tiers.mjs';
import { serveUntilStopped } from './serve.mjs';

async function bootstrap(mode) {
  const started = performance.now();
  await step('npm dependencies', ensureNodeModules);
  fs.mkdirSync(checkoutCache, { recursive: true, mode: 0o700 });
  const packageLog = path.join(checkoutCache, 'package.log');
  fs.rmSync(packageLog, { force: true });
  const vsix = await step('package the extension', () => packageExtension({ logFile: packageLog }));
  // The development build (with source maps) is what the CLI and the tests run.
  await step('build', () => run(process.execPath, ['esbuild.js'], { cwd: repoRoot }));
  // The tests build CPython again (from python.org's tarball): with ccache that build compiles from the first one's cache.
  if (mode !== 'start') {
    await step('ccache', () =>
      ensureDebianPackages(['ccache'], 'rebuilding CPython quickly in the provisioning test').catch((error) =>
        note(`going on without ccache: ${error.message}`),
      ),
    );
  }
  const runtime = await step('embedded runtime', provisionRuntime);
  note(`runtime: ${runtime.python} (${runtime.version ?? 'unknown version'})`);
  const codeServer = await step('code-server', ensureCodeServer);
  if (mode !== 'start') await step('chromium', ensureChromium);
  await step('install the extension', () => installExtension(codeServer, vsix));
  note(`bootstrap done in ${seconds(started)}`);
}

async function main() {
  const mode = process.argv[2];
  if (!['start', 'test', 'repeat', 'prepare'].includes(mode)) {
    console.error('usage: node scripts/bootstrap.mjs start|test|repeat N [tier]|prepare');
    process.exit(2);
  }
  try {
    await bootstrap(mode);
  } catch (error) {
    console.error(`\nftpy: ${mode === 'prepare' ? 'bootstrap' : `npm ${mode}`} could not prepare: ${error.message}`);
    process.exit(1);
  }
  if (mode === 'test') process.exit((await runTiers()).every((tier) => tier.passed) ? 0 : 1);
  if (mode === 'repeat') {
    const passed = await repeatTiers(process.argv.slice(3)).catch((error) => {
      console.error(`ftpy: ${error.message}`);
      return false;
    });
    process.exit(passed ? 0 : 1);
  }
  if (mode === 'prepare') return;
  await serveUntilStopped(process.argv.slice(3)).catch((error) => {
    console.error(`ftpy: ${error.message}`);
    process.exit(1);
  });
}

main();
