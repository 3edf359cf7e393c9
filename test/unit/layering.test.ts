// The lint rule behind "imports flow downward" fires: runtime/ below the adapter, the CLI and the
// language server, each of those below the extension and none on another.
import * as assert from 'node:assert/strict';
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
