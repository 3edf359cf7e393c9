// An extension module that does not declare Py_mod_gil (test/fixtures/needs_gil.c), built for
// `python` into `dir`, next to a copy of run_imports_needs_gil.py as main.py that imports it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixtures } from './cli';

/** Builds the module into `dir` and returns the path of main.py, which imports it at line 4. */
export function buildNeedsGil(python: string, dir: string): string {
  const [include, suffix] = JSON.parse(
    execFileSync(python, ['-c', 'import json, sysconfig; print(json.dumps([sysconfig.get_paths()["include"], sysconfig.get_config_var("EXT_SUFFIX")]))'], {
      encoding: 'utf8',
    }),
  ) as [string, string];
  execFileSync('cc', ['-shared', '-fPIC', `-I${include}`, path.join(fixtures, 'needs_gil.c'), '-o', path.join(dir, `needs_gil${suffix}`)]);
  const main = path.join(dir, 'main.py');
  fs.copyFileSync(path.join(fixtures, 'run_imports_needs_gil.py'), main);
  return main;
}
