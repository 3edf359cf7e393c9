// Imports that re-enable the GIL, found by importing them in the real free-threaded
// interpreter; needs_gil is built from test/fixtures/needs_gil.c for it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findImports, GilImportChecker, ImportSite } from '../../runtime/gilimports/imports';
import { gilDiagnostics } from '../../language-server/gilDiagnostics';
import { fixtures } from '../support/cli';
import { marker } from '../support/markers';
import { buildNeedsGil } from '../support/needsGil';
import { testPython } from '../support/runtime';

suite('imports that re-enable the GIL', () => {
  let python: string;
  let workdir: string;
  let file: string;
  let source: string;
  let needsGil: string;
  const imported = () => path.join(workdir, 'imported');

  suiteSetup(() => {
    python = testPython();
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-gil-imports-'));
    needsGil = buildNeedsGil(python, workdir);
    for (const name of ['gil_imports.py', 'wraps_needs_gil.py']) fs.copyFileSync(path.join(fixtures, name), path.join(workdir, name));
    file = path.join(workdir, 'gil_imports.py');
    source = fs.readFileSync(file, 'utf8');
  });
  suiteTeardown(() => fs.rmSync(workdir, { recursive: true, force: true }));
  setup(() => fs.rmSync(imported(), { force: true }));

  function site(sites: ImportSite[], module: string): ImportSite & { origin: string } {
    const found = sites.find((candidate) => candidate.module === module);
    assert.ok(found?.origin, `${module} is found: ${JSON.stringify(sites)}`);
    return { ...found, origin: found.origin };
  }

  test('finds the imports and where they load from, without running them', async () => {
    const sites = await findImports(python, source, [workdir]);
    assert.deepEqual(
      sites.map(({ module, line, area }) => [module, line, area]),
      [
        ['json', marker(file, 'gil_free'), 'stdlib'],
        ['needs_gil', marker(file, 'needs_gil'), 'path'],
        ['wraps_needs_gil', marker(file, 'indirect'), 'path'],
      ],
    );
    assert.equal(site(sites, 'needs_gil').origin, needsGil);
    const line = source.split('\n')[marker(file, 'indirect') - 1];
    const indirect = site(sites, 'wraps_needs_gil');
    assert.equal(line.slice(indirect.column, indirect.endColumn), 'wraps_needs_gil');
    assert.ok(!fs.existsSync(imported()), 'finding imports ran no module');
  });

  test('an import of a module without Py_mod_gil is named, directly or through another module', async () => {
    const checker = new GilImportChecker();
    const sites = await findImports(python, source, [workdir]);
    const direct = await checker.check(python, site(sites, 'needs_gil'), [workdir]);
    assert.deepEqual(
      direct.events.map(({ module, origin, gil }) => [module, origin, gil]),
      [['needs_gil', needsGil, 'forced-off']],
    );
    const indirect = await checker.check(python, site(sites, 'wraps_needs_gil'), [workdir]);
    assert.equal(indirect.error, null);
    assert.deepEqual(
      indirect.events.map((event) => [event.module, event.importer]),
      [['needs_gil', `${path.join(workdir, 'wraps_needs_gil.py')}:5`]],
    );
    assert.ok(fs.existsSync(imported()), 'the module really was imported');
    const gilFree = await checker.check(python, site(sites, 'json'), [workdir]);
    assert.deepEqual([gilFree.events, gilFree.warnings, gilFree.error], [[], [], null]);
  });

  test('each module is imported once per file version', async () => {
    const checker = new GilImportChecker();
    const wraps = site(await findImports(python, source, [workdir]), 'wraps_needs_gil');
    await checker.check(python, wraps, [workdir]);
    fs.rmSync(imported());
    await checker.check(python, wraps, [workdir]);
    assert.ok(!fs.existsSync(imported()), 'the cached verdict was used');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(wraps.origin, later, later);
    await checker.check(python, wraps, [workdir]);
    assert.ok(fs.existsSync(imported()), 'a modified module is imported again');
  });

  test('a module that fails to import is reported with its error, and what it loaded first', async () => {
    const broken = path.join(workdir, 'broken_after_needs_gil.py');
    fs.writeFileSync(broken, 'import needs_gil\nraise ValueError("half imported")\n');
    const verdict = await new GilImportChecker().check(
      python,
      { module: 'broken_after_needs_gil', line: 1, column: 0, endColumn: 1, origin: broken, area: 'path' },
      [workdir],
    );
    assert.equal(verdict.error, 'ValueError: half imported');
    assert.deepEqual(
      verdict.events.map((event) => event.module),
      ['needs_gil'],
    );
  });

  test('diagnostics: trusted, on the two imports; untrusted, the workspace is never imported', async () => {
    const trusted = await gilDiagnostics(file, source, { python, trusted: true, workspaceFolders: [workdir] }, new GilImportChecker());
    assert.deepEqual(
      trusted.map((diagnostic) => [diagnostic.range.start.line + 1, diagnostic.source, diagnostic.code]),
      [
        [marker(file, 'needs_gil'), 'ftpy', 'gil-import'],
        [marker(file, 'indirect'), 'ftpy', 'gil-import'],
      ],
    );
    assert.match(
      trusted[0].message,
      /^'needs_gil' does not declare that it can run without the GIL: importing it re-enables the GIL \(under -X gil=0 it runs without the GIL it asks for; checked with /,
    );
    assert.match(trusted[1].message, /^'wraps_needs_gil' loads 'needs_gil', which does not declare/);
    fs.rmSync(imported());
    const untrusted = await gilDiagnostics(file, source, { python, trusted: false, workspaceFolders: [workdir] }, new GilImportChecker());
    assert.deepEqual(untrusted, []);
    assert.ok(!fs.existsSync(imported()), 'no workspace module was imported');
  });

  test("untrusted, an interpreter's site-packages module is still checked", async () => {
    const venv = path.join(workdir, 'venv');
    execFileSync(python, ['-m', 'venv', '--without-pip', venv]);
    const venvPython = path.join(venv, 'bin', 'python');
    const sitePackages = execFileSync(venvPython, ['-I', '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
    buildNeedsGil(python, sitePackages);
    const workspace = fs.mkdtempSync(path.join(workdir, 'workspace-'));
    const diagnostics = await gilDiagnostics(
      path.join(workspace, 'main.py'),
      'import needs_gil\n',
      { python: venvPython, trusted: false, workspaceFolders: [workspace] },
      new GilImportChecker(),
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.range.start.line, diagnostic.code]),
      [[0, 'gil-import']],
    );
  });
});
