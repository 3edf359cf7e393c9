// `npm run package`'s .vsix holds what runs and nothing else: the bundles, the agent, the probe's source.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../support/cli';

const MAX_BYTES = 1_000_000; // today ~90 KB: the bundles hold their dependencies, nothing else is needed

suite('the packaged .vsix', function () {
  this.timeout(180_000);
  let vsix: string;
  let entries: { name: string; size: number }[];

  suiteSetup(async () => {
    const { packageExtension } = await import('../../scripts/package.mjs');
    const { vsixEntries } = await import('../../scripts/lib/vsix.mjs');
    const log = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-vsix-'));
    try {
      vsix = await packageExtension({ logFile: path.join(log, 'package.log') });
    } finally {
      fs.rmSync(log, { recursive: true, force: true });
    }
    entries = vsixEntries(vsix);
  });

  const names = () => new Set(entries.map((entry) => entry.name.replace(/^extension\//, '')));

  test('holds the bundles, every agent file and the probe source', () => {
    const tracked = execFileSync('git', ['ls-files', 'runtime/agent', 'runtime/probe'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.(py|c|h)$/.test(file));
    assert.ok(tracked.includes('runtime/agent/start/sitecustomize.py') && tracked.includes('runtime/probe/probe.c'));
    const packed = names();
    for (const file of ['package.json', 'dist/extension.js', 'dist/debug-adapter.js', 'dist/cli.js', ...tracked]) {
      assert.ok(packed.has(file), `${file} is in the .vsix`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.ok(packed.has(manifest.main), 'the entry point is packed');
  });

  test('holds no sources, tests or node_modules, and stays small', () => {
    const unexpected = [...names()].filter((name) => /(^|\/)node_modules\/|\.ts$|\.map$|^test\/|^bench\/|^examples\/|^scripts\//.test(name));
    assert.deepEqual(unexpected, []);
    const size = fs.statSync(vsix).size;
    assert.ok(size < MAX_BYTES, `${size} bytes`);
    const unpacked = entries.reduce((sum, entry) => sum + entry.size, 0);
    assert.ok(unpacked < 4 * MAX_BYTES, `${unpacked} bytes unpacked`);
  });
});
