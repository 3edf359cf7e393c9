// Restricted Mode, in a real VS Code with Workspace Trust on and examples/ untrusted: every way
// to run Python (a file, a debug session, Show Bytecode, the language server's checks) says why
// it does nothing (VS Code itself asks before a debug session), and no interpreter starts. The embedded runtime is a spy here: a copy of its
// marker names a script that notes each start, then runs the real interpreter.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testPython } from '../support/runtime';
import { Workbench } from './support/workbench';

suite('e2e: Restricted Mode', () => {
  let home: string;
  let workbench: Workbench | undefined;
  suiteSetup(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-restricted-'));
  });
  suiteTeardown(async () => {
    await workbench?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('no program, no debug session, no bytecode, no import check: each says so, and no interpreter starts', async () => {
    const real = testPython();
    const realPrefix = path.dirname(path.dirname(real));
    const starts = path.join(home, 'interpreter-starts');
    const spyPrefix = path.join(home, 'runtime');
    const spy = path.join(spyPrefix, 'bin', 'python3.13t');
    fs.mkdirSync(path.dirname(spy), { recursive: true });
    fs.writeFileSync(spy, `#!/bin/sh\necho "$@" >> '${starts}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
    const marker = JSON.parse(fs.readFileSync(path.join(realPrefix, 'ftpy-runtime.json'), 'utf8'));
    fs.writeFileSync(path.join(spyPrefix, 'ftpy-runtime.json'), JSON.stringify({ ...marker, python: spy }));
    fs.mkdirSync(path.join(home, 'runtimes'));
    const index = JSON.parse(fs.readFileSync(path.join(path.dirname(realPrefix), 'index.json'), 'utf8')) as Record<string, string>;
    fs.writeFileSync(path.join(home, 'runtimes', 'index.json'), JSON.stringify(Object.fromEntries(Object.keys(index).map((key) => [key, spyPrefix]))));

    workbench = await Workbench.open({ untrusted: true, extensionHome: home });
    const page = workbench.page;
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor();
    await workbench.openFile('histogram.py');
    await workbench.runCommand('Free-Threaded Python: Run Python File');
    await page.locator('.notifications-toasts', { hasText: 'does not run programs in Restricted Mode' }).waitFor();
    await workbench.runCommand('Free-Threaded Python: Debug Python File');
    // VS Code itself asks before any debug session in Restricted Mode: declined, nothing starts.
    const trustDialog = page.locator('.monaco-dialog-box', { hasText: 'Do you trust the authors of the files in this folder?' });
    await trustDialog.getByRole('button', { name: 'Cancel' }).click();
    await trustDialog.waitFor({ state: 'hidden' });
    await workbench.runCommand('Free-Threaded Python: Show Bytecode');
    await page.locator('.notifications-toasts', { hasText: 'does not compile files to show their bytecode in Restricted Mode' }).waitFor();
    await workbench.screenshot('restricted-mode');
    assert.ok(!fs.existsSync(starts), `an interpreter started: ${fs.existsSync(starts) ? fs.readFileSync(starts, 'utf8') : ''}`);
  });
});
