// `npm run package`: a production build packed into a .vsix with vsce.
// Prints the .vsix path on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from './lib/paths.mjs';
import { run } from './lib/run.mjs';

/**
 * Builds and packs the extension; `logFile` takes the tools' output instead of stderr.
 * @param {{ logFile?: string }} [options]
 */
export async function packageExtension({ logFile } = {}) {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  await run(process.execPath, ['esbuild.js', '--production'], { cwd: repoRoot, logFile });
  // The bundles already contain their dependencies: vsce must not add node_modules.
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  await run(vsce, ['package', '--no-dependencies', '--out', vsix], { cwd: repoRoot, logFile });
  return vsix;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  packageExtension().then(
    (vsix) => console.log(vsix),
    (error) => {
      console.error(`ftpy: packaging failed: ${error.message}`);
      process.exit(1);
    },
  );
}
