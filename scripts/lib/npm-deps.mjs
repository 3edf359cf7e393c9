// node_modules matching package-lock.json, installed with `npm ci` only when
// missing or stale (warm runs cost one JSON comparison).
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import { run } from './run.mjs';
import { note } from './step.mjs';

export async function ensureNodeModules() {
  const stale = staleReason();
  if (!stale) return;
  note(`running npm ci (${stale})`);
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot });
}

/** Why node_modules does not match the lockfile, or undefined when it does. */
function staleReason() {
  // npm keeps a copy of the installed tree's lock entries in node_modules/.package-lock.json.
  const installedFile = path.join(repoRoot, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(installedFile)) return 'node_modules is missing';
  const locked = readPackages(path.join(repoRoot, 'package-lock.json'));
  const installed = readPackages(installedFile);
  for (const [location, entry] of Object.entries(locked)) {
    // The root entry is the project itself; optional entries for other platforms are never installed.
    if (location === '' || entry.optional) continue;
    if (installed[location]?.version !== entry.version) return `${location} is not installed at ${entry.version}`;
  }
  return undefined;
}

function readPackages(lockFile) {
  return JSON.parse(fs.readFileSync(lockFile, 'utf8')).packages ?? {};
}
