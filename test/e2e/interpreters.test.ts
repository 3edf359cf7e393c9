// Select Interpreter in a real VS Code lists the free-threaded interpreters a user already has,
// grouped by where they came from: here uv, pyenv and conda installs and names on PATH, made as
// links to the embedded runtime (and to a GIL build) under a HOME of the test's own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ftpyHome } from '../../runtime/provision/home';
import { testPython } from '../support/runtime';
import { Workbench } from './support/workbench';

suite('e2e: the interpreters a user has', () => {
  test('Select Interpreter: uv, pyenv, conda and PATH, each in its group; a GIL build listed as not usable', async function () {
    const gilBuild = '/usr/bin/python3'; // Debian's python3: built with the GIL
    if (!fs.existsSync(gilBuild)) this.skip();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-e2e-home-'));
    const link = (file: string, target: string) => {
      fs.mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
      fs.symlinkSync(target, path.join(home, file));
      return path.join(home, file);
    };
    const expected = [
      { group: 'uv', file: link('.local/share/uv/python/cpython-3.13.5+freethreaded-linux-x86_64-gnu/bin/python3.13t', testPython()) },
      { group: 'pyenv', file: link('.pyenv/versions/3.13.5t/bin/python3.13t', testPython()) },
      { group: 'conda', file: link('miniforge3/envs/nogil/bin/python3.13t', testPython()) },
      { group: 'PATH', file: link('bin/python3.13-nogil', gilBuild) },
    ];
    // VS Code takes the extension host's PATH from a login shell, as a user's own ~/.profile sets it.
    fs.writeFileSync(path.join(home, '.profile'), 'PATH="$HOME/bin:$PATH"\n');
    const workbench = await Workbench.open({ env: { HOME: home, PYENV_ROOT: path.join(home, '.pyenv') }, extensionHome: ftpyHome() });
    try {
      const page = workbench.page;
      await workbench.runCommand('Free-Threaded Python: Select Interpreter');
      const rows = page.locator('.quick-input-list .monaco-list-row');
      for (const { file } of expected) await rows.filter({ hasText: file }).first().waitFor({ timeout: 60_000 });
      await workbench.screenshot('select-interpreter-groups');
      const texts = await rows.allInnerTexts();
      assert.match(texts[0] ?? '', /Embedded runtime/, texts.join('\n---\n'));
      for (const { group, file } of expected) {
        const at = texts.findIndex((text) => text.includes(file));
        const groupAt = texts.findIndex((text) => text.split('\n').some((line) => line.trim() === group));
        assert.ok(groupAt >= 0 && groupAt <= at, `${file} under "${group}":\n${texts.join('\n---\n')}`);
        if (file.endsWith('-nogil')) assert.match(texts[at] ?? '', /GIL build: not usable/);
        else assert.match(texts[at] ?? '', /free-threaded/);
      }
      await page.keyboard.press('Escape');
    } finally {
      await workbench.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
