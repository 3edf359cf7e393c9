import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/** The folder holding ftpy's package.json, found upward from this file: the same answer
 * from source (tsx), from dist/ bundles and from an installed .vsix. */
export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'ftpy') {
      cached = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`ftpy's package.json not found above ${__dirname}`);
  }
}

/** The folder of the Python agent, run inside debuggees and by `ftpy run`. */
export function agentDir(): string {
  return path.join(packageRoot(), 'runtime', 'agent');
}
