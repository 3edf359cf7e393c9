// The editor experience end to end: a breakpoint set by clicking the gutter, "Debug Python
// File", every thread in the Call Stack, a step, an evaluation in the Debug Console, the
// Disassembly view at the current bytecode instruction; the interpreter in the status bar.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { testPython } from '../support/runtime';
import { sharedWorkbench, Workbench } from './support/workbench';

const examples = path.resolve(__dirname, '..', '..', 'examples');

/** The 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const index = fs
    .readFileSync(path.join(examples, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `${text} is in ${file}`);
  return index + 1;
}

/** Clicks the glyph margin (left of the line numbers) of a visible line of the active editor. */
async function clickGutter(page: Page, line: number): Promise<void> {
  const editor = page.locator('.editor-group-container.active .monaco-editor');
  const number = editor.locator('.line-numbers', { hasText: new RegExp(`^${line}$`) });
  const box = await number.boundingBox();
  assert.ok(box, `line ${line} is visible`);
  const glyphs = await editor.locator('.glyph-margin').boundingBox();
  assert.ok(glyphs, 'the editor has a glyph margin');
  await page.mouse.click(glyphs.x + glyphs.width / 2, box.y + box.height / 2);
  await editor.locator('.codicon-debug-breakpoint').first().waitFor();
}

async function evaluateInConsole(workbench: Workbench, expression: string): Promise<string> {
  const page = workbench.page;
  await workbench.runCommand('Debug Console: Focus on Debug Console View');
  const input = page.locator('.repl-input-wrapper .monaco-editor');
  await input.click();
  await page.keyboard.type(expression);
  await page.keyboard.press('Enter');
  const answer = page.locator('.repl .monaco-list-row .evaluation-result').last();
  await answer.waitFor({ timeout: 30_000 });
  return answer.innerText();
}

suite('e2e: the editor experience', () => {
  test('gutter breakpoint, all threads, step, evaluate, Disassembly view at the current instruction', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await workbench.openFile('deadlock.py');
    const statusBar = page.locator('.statusbar-item', { hasText: /3\.13(\.\d+)?t/ });
    await statusBar.first().waitFor({ timeout: 30_000 });
    assert.match(await statusBar.first().innerText(), /embedded/, 'the status bar shows the embedded runtime as interpreter');

    const line = lineOf('deadlock.py', 'balance = amount * 2');
    // The workbench is shared: a breakpoint another test left there would be toggled off.
    if ((await page.locator('.editor-group-container.active .codicon-debug-breakpoint').count()) > 0) {
      await workbench.runCommand('Remove All Breakpoints');
      await workbench.openFile('deadlock.py');
    }
    await clickGutter(page, line);
    const callStack = await workbench.debugToBreakpoint();
    const threads = await callStack.locator('.monaco-list-row .thread').allInnerTexts();
    await workbench.screenshot('editor-1-breakpoint');
    for (const name of ['transfer', 'MainThread'])
      assert.ok(
        threads.some((text) => text.includes(name)),
        `${name} is listed: ${threads.join(' | ')}`,
      );

    // Step over: the top frame moves to the next line.
    await page.keyboard.press('F10');
    await callStack
      .getByText(/paused on step/i)
      .first()
      .waitFor({ timeout: 30_000 });
    await callStack
      .locator('.monaco-list-row .stack-frame', { hasText: new RegExp(`deadlock\\.py\\s*${line + 1}:`) })
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(async () => {
        throw new Error(
          `the selected frame is not at line ${line + 1}: ${(await callStack.locator('.monaco-list-row .stack-frame').allInnerTexts()).join(' | ')}`,
        );
      });
    await workbench.screenshot('editor-2-step');

    assert.equal(await evaluateInConsole(workbench, 'balance + 1'), '101');
    await workbench.screenshot('editor-3-evaluate');

    await workbench.runCommand('Open Disassembly View');
    const disassembly = page.locator('.disassembly-view');
    const current = disassembly.locator('.monaco-list-row', { has: page.locator('.codicon-debug-stackframe') });
    await current.first().waitFor({ timeout: 30_000 });
    const currentText = await current.first().innerText();
    assert.match(currentText, /LOAD_GLOBAL|LOAD_FAST|LOAD_ATTR/, `the current instruction starts line ${line + 1} (time.sleep): ${currentText}`);
    assert.match(await disassembly.innerText(), /transfer/, 'the listing names the function');
    await workbench.screenshot('editor-4-disassembly');

    // With the Disassembly view focused, F10 steps one instruction: the marker moves on.
    await current.first().click();
    await page.keyboard.press('F10');
    await callStack
      .getByText(/paused on step/i)
      .first()
      .waitFor({ timeout: 30_000 });
    const deadline = Date.now() + 15_000;
    while (
      (await current
        .first()
        .innerText()
        .catch(() => currentText)) === currentText
    ) {
      assert.ok(Date.now() < deadline, `the current instruction stayed at ${currentText}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await workbench.screenshot('editor-5-instruction-step');

    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });

  test('Select Interpreter: embedded first, a GIL build refused with the reason, a failed launch offers the fix', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-e2e-interpreter-'));
    try {
      await workbench.openFile('deadlock.py');
      const rows = page.locator('.quick-input-list .monaco-list-row .label-name');
      const select = async () => {
        await workbench.runCommand('Free-Threaded Python: Select Interpreter');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter interpreter path' }).waitFor();
      };
      const enterPath = async (python: string) => {
        await select();
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter interpreter path' }).click();
        // The picker becomes an input box: typing before it has would go to the picker's filter.
        await page.locator('.quick-input-title', { hasText: 'Enter Interpreter Path' }).waitFor();
        await page.locator('.quick-input-widget input').fill(python);
        await page.keyboard.press('Enter');
      };

      await select();
      const labels = await rows.allInnerTexts();
      assert.match(labels[0] ?? '', /Embedded runtime/, `the embedded runtime comes first: ${labels.join(' | ')}`);
      assert.match(labels[labels.length - 1] ?? '', /Enter interpreter path/);
      await workbench.screenshot('editor-6-select-interpreter');
      await page.keyboard.press('Escape');

      // A GIL build is refused, saying why, with the way out.
      const gilBuild = path.join(dir, 'python3');
      fs.writeFileSync(
        gilBuild,
        `#!/bin/sh\nexec "${testPython()}" -c 'import json,sys; print(json.dumps({"executable": sys.executable, "version": "3.13.5", "hexversion": 0x30d05f0, "free_threaded": False, "gil": True, "prefix": sys.prefix, "include": "", "cc": ""}))'\n`,
        { mode: 0o755 },
      );
      await enterPath(gilBuild);
      const refusal = page.locator('.notification-toast', { hasText: 'built with the GIL' });
      await refusal.waitFor({ timeout: 30_000 });
      assert.ok(await refusal.getByRole('button', { name: 'Select Interpreter' }).isVisible(), 'the refusal offers Select Interpreter');
      await workbench.screenshot('editor-7-gil-build-refused');
      await workbench.runCommand('Notifications: Clear All Notifications');

      // A free-threaded interpreter is remembered and shown; when it is gone, the failed launch offers the fix.
      const wrapper = path.join(dir, 'python3.13t');
      fs.writeFileSync(wrapper, `#!/bin/sh\nexec "${testPython()}" "$@"\n`, { mode: 0o755 });
      await enterPath(wrapper);
      await page
        .locator('.statusbar-item', { hasText: /3\.13\.\d+t$/ })
        .first()
        .waitFor({ timeout: 30_000 });
      fs.rmSync(wrapper);
      await workbench.runCommand('Free-Threaded Python: Debug Python File');
      const dialog = page.locator('.monaco-dialog-box', { hasText: 'Python interpreter not found' });
      await dialog.waitFor({ timeout: 30_000 });
      await workbench.screenshot('editor-8-launch-failure-action');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      // The failed launch is in the log (the DAP tracker logs failed responses).
      await workbench.runCommand('Free-Threaded Python: Open Log');
      await page
        .locator('.part.panel .monaco-editor .view-lines', { hasText: /launch\sfailed:\sPython\sinterpreter\s*not\sfound/ } /* Monaco draws spaces as U+00A0 */)
        .waitFor({ timeout: 30_000 });
      await workbench.screenshot('editor-9-log');
      await workbench.openFile('deadlock.py'); // the command is offered with a Python file in focus
      await workbench.runCommand('Free-Threaded Python: Debug Python File');
      await dialog.waitFor({ timeout: 30_000 });
      await dialog.getByRole('button', { name: 'Select Interpreter' }).click();
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Embedded runtime' }).click();
      await page
        .locator('.statusbar-item', { hasText: /\(embedded\)/ })
        .first()
        .waitFor({ timeout: 30_000 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
