// Which imports of a Python file would turn the GIL back on: find_imports.py lists them
// (reading files only), check_import.py imports one module in a fresh interpreter with the
// GIL forced off and reports the extension modules that asked for the GIL.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { agentDir, packageRoot } from '../packageRoot';
import { runPythonScript } from '../pythonScript';

/** Where a module would be loaded from: the interpreter's stdlib or site-packages, another
 * folder (the workspace, say), built into the interpreter, or nowhere. */
export type ImportArea = 'stdlib' | 'site' | 'path' | 'builtin' | 'missing';

/** One imported module and the span (0-based columns, 1-based line) that names it. */
export interface ImportSite {
  module: string;
  line: number;
  column: number;
  endColumn: number;
  origin: string | null;
  area: ImportArea;
}

/** An extension module that does not declare Py_mod_gil, loaded by the checked import. */
export interface GilEvent {
  module: string;
  origin: string;
  /** file:line of the import that loaded it. */
  importer: string | null;
  /** "enabled": the import turned the GIL on; "forced-off": -X gil=0 kept it off. */
  gil: 'enabled' | 'forced-off';
}

export interface ImportVerdict {
  module: string;
  events: GilEvent[];
  /** The runtime's RuntimeWarnings about the GIL (only when the GIL was not forced off). */
  warnings: string[];
  /** Why the import failed, if it did (then `events` covers what loaded before). */
  error: string | null;
}

function script(name: string): string {
  return path.join(packageRoot(), 'runtime', 'gilimports', name);
}

/** The absolute imports of `source`, resolved as a script in `searchPath[0]` would resolve them. */
export async function findImports(python: string, source: string, searchPath: readonly string[]): Promise<ImportSite[]> {
  return JSON.parse(await runPythonScript(python, script('find_imports.py'), searchPath, { input: source })) as ImportSite[];
}

/** Imports modules one at a time, each in its own interpreter, and remembers each verdict
 * per interpreter, module file and modification time. */
export class GilImportChecker {
  private readonly verdicts = new Map<string, Promise<ImportVerdict>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly timeoutMs = 20_000) {}

  /** Runs the module's code (and its imports'): only for modules the caller trusts. */
  check(python: string, site: ImportSite & { origin: string }, searchPath: readonly string[]): Promise<ImportVerdict> {
    const key = [python, site.module, site.origin, modified(site.origin), ...searchPath].join('\0');
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      verdict = this.queue.then(() => this.importOnce(python, site.module, searchPath));
      this.queue = verdict.catch(() => undefined);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  private async importOnce(python: string, module: string, searchPath: readonly string[]): Promise<ImportVerdict> {
    try {
      const output = await runPythonScript(python, script('check_import.py'), [agentDir(), module, ...searchPath], { timeoutMs: this.timeoutMs });
      return { module, ...(JSON.parse(output) as Omit<ImportVerdict, 'module'>) };
    } catch (error) {
      return { module, events: [], warnings: [], error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function modified(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
