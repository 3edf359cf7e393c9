// The embedded free-threaded CPython, provisioned by the project's own CLI
// (`ftpy runtime`), so `npm start`/`npm test` and users share one code path.
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import { capture } from './run.mjs';

/** Provisions the runtime when needed (progress on stderr), installing the build tools it lacks
 * when we are root (a fresh machine); returns the CLI's JSON description. */
export async function provisionRuntime() {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  const output = await capture(process.execPath, [cli, 'runtime', '--json', '--install-build-tools'], { cwd: repoRoot, showProgress: true });
  const runtime = JSON.parse(output);
  if (typeof runtime.python !== 'string') throw new Error(`\`ftpy runtime --json\` printed no interpreter path: ${output}`);
  return runtime;
}
