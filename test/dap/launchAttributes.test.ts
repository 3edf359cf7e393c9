import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configurationAttributes } from '../../debug-adapter/launchConfig';
import { repoRoot } from '../support/cli';

suite('launch attributes', () => {
  test("package.json's ftpy debugger declares exactly the attributes the adapter defines", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const debuggers = manifest.contributes.debuggers.filter((entry: { type: string }) => entry.type === 'ftpy');
    assert.equal(debuggers.length, 1);
    assert.equal(debuggers[0].program, './dist/debug-adapter.js');
    assert.deepEqual(debuggers[0].configurationAttributes, JSON.parse(JSON.stringify(configurationAttributes())));
  });
});
