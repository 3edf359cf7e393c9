// Diagnostics on the imports of a Python file that would re-enable the GIL.
import * as path from 'node:path';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { findImports, GilEvent, GilImportChecker, ImportSite, ImportVerdict } from '../runtime/gilimports/imports';

export interface CheckContext {
  python: string;
  /** Workspace Trust as the client reports it. */
  trusted: boolean;
  workspaceFolders: readonly string[];
}

export const DIAGNOSTIC_SOURCE = 'ftpy';
export const GIL_IMPORT_CODE = 'gil-import';

/**
 * What gets imported (which runs its code): the stdlib never (CPython's own extension
 * modules declare Py_mod_gil, and a few stdlib modules act on import: antigravity opens a
 * browser). In a trusted workspace, site-packages and the file's own modules, found as
 * running the file would find them (its folder first on sys.path). Called with `trusted`
 * false (the server itself checks nothing in Restricted Mode), only site-packages modules,
 * found without the file's folder, and never one inside a workspace folder (a .venv there is
 * workspace content too).
 */
export async function gilDiagnostics(file: string, source: string, context: CheckContext, checker: GilImportChecker): Promise<Diagnostic[]> {
  const searchPath = context.trusted ? [path.dirname(file)] : [];
  const sites = await findImports(context.python, source, searchPath);
  const checked = sites.filter((site): site is ImportSite & { origin: string } => isCheckable(site, context));
  const verdicts = await Promise.all(checked.map((site) => checker.check(context.python, site, searchPath)));
  return checked.flatMap((site, index) => {
    const verdict = verdicts[index];
    return verdict.events.length || verdict.warnings.length ? [diagnostic(site, verdict, context.python)] : [];
  });
}

function isCheckable(site: ImportSite, context: CheckContext): boolean {
  const origin = site.origin;
  if (origin === null) return false;
  if (context.trusted) return site.area === 'site' || site.area === 'path';
  return site.area === 'site' && !context.workspaceFolders.some((folder) => isInside(origin, folder));
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function diagnostic(site: ImportSite, verdict: ImportVerdict, python: string): Diagnostic {
  return {
    range: { start: { line: site.line - 1, character: site.column }, end: { line: site.line - 1, character: site.endColumn } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    code: GIL_IMPORT_CODE,
    message: message(site.module, verdict, python),
  };
}

function message(module: string, verdict: ImportVerdict, python: string): string {
  const names = [...new Set(verdict.events.map((event: GilEvent) => event.module))];
  if (!names.length) return `Importing '${module}' re-enables the GIL: ${verdict.warnings[0]} (checked with ${python})`;
  const culprits = names.map((name) => `'${name}'`).join(', ');
  const loaded = names.length === 1 && names[0] === module ? `'${module}'` : `'${module}' loads ${culprits}, which`;
  return (
    `${loaded} ${names.length === 1 ? 'does' : 'do'} not declare that it can run without the GIL: importing it re-enables the GIL ` +
    `(under -X gil=0 it runs without the GIL it asks for; checked with ${python}).`
  );
}
