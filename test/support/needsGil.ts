// Builds test/fixtures/needs_gil.c (an extension module without Py_mod_gil) for an interpreter.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtures } from './cli';

/** Compiles needs_gil into `dir` with `python`'s headers and extension suffix; returns the module's path. */
export function buildNeedsGil(python: string, dir: string): string {
  const [include, suffix] = JSON.parse(
    execFileSync(python, ['-c', 'import json, sysconfig; print(json.dumps([sysconfig.get_paths()["include"], sysconfig.get_config_var("EXT_SUFFIX")]))'], {
      encoding: 'utf8',
    }),
  ) as [string, string];
  const module = path.join(dir, `needs_gil${suffix}`);
  execFileSync('cc', ['-shared', '-fPIC', `-I${include}`, path.join(fixtures, 'needs_gil.c'), '-o', module]);
  return module;
}

/** Builds the module into `dir` next to a copy of run_imports_needs_gil.py as main.py, which imports it; returns main.py's path. */
export function buildNeedsGilProgram(python: string, dir: string): string {
  buildNeedsGil(python, dir);
  const main = path.join(dir, 'main.py');
  fs.copyFileSync(path.join(fixtures, 'run_imports_needs_gil.py'), main);
  return main;
}
