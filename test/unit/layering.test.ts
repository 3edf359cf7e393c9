// The lint rules fire: "imports flow downward" (runtime/ below the adapter, the CLI and the
// language server, each of those below the extension and none on another), and the Python lint.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/cli';

async function importErrors(file: string, specifier: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport const y = x;\n`, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

suite('layering: imports flow downward', () => {
  test('an upward or sideways import is an error', async () => {
    for (const [file, specifier] of [
      ['runtime/inspect/fixture.ts', '../../debug-adapter/session'],
      ['runtime/fixture.ts', '../extension/extension'],
      ['debug-adapter/fixture.ts', '../cli/main'],
      ['cli/fixture.ts', '../debug-adapter/session'],
      ['language-server/fixture.ts', '../extension/trust'],
      ['extension/fixture.ts', '../cli/run'],
    ]) {
      const errors = await importErrors(file, specifier);
      assert.equal(errors.length, 1, `${file} importing ${specifier}`);
      assert.match(errors[0] ?? '', /imports flow downward \(layering\)/);
    }
  });

  test('a downward import is not', async () => {
    for (const [file, specifier] of [
      ['debug-adapter/fixture.ts', '../runtime/errors'],
      ['cli/fixture.ts', '../runtime/errors'],
      ['extension/fixture.ts', '../debug-adapter/protocol'],
      ['runtime/inspect/fixture.ts', '../errors'],
    ]) {
      assert.deepEqual(await importErrors(file, specifier), [], `${file} importing ${specifier}`);
    }
  });
});

suite('the Python lint in npm run check (pyright, pyrightconfig.json)', () => {
  test('an unused import and an undefined name are errors', function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-pylint-'));
    try {
      const file = path.join(dir, 'careless.py');
      fs.writeFileSync(file, 'import os\n\n\ndef f():\n    return undefined_name\n');
      const result = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'pyright'), ['-p', path.join(repoRoot, 'pyrightconfig.json'), file], {
        encoding: 'utf8',
      });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /careless\.py:1:8 - error: Import "os" is not accessed \(reportUnusedImport\)/);
      assert.match(result.stdout, /careless\.py:5:12 - error: "undefined_name" is not defined \(reportUndefinedVariable\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
