// Debugging in a real VS Code: breakpoint, stop with every thread in the Call Stack, stop.
import assert from 'node:assert/strict';
import { exampleLine } from './support/examples';
import { sharedWorkbench } from './support/workbench';

suite('e2e: debug a file', () => {
  test('"Debug Python File" stops at a breakpoint with all threads in the Call Stack', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await workbench.openFile('deadlock.py');
    await workbench.toggleBreakpointAt(exampleLine('deadlock.py', 'balance = amount * 2'));
    const callStack = await workbench.debugToBreakpoint();
    const threads = await callStack.locator('.monaco-list-row .thread').allInnerTexts();
    await workbench.screenshot('debug-deadlock-breakpoint');
    assert.ok(
      threads.some((text) => /transfer/.test(text)),
      `the stopped thread is listed: ${threads.join(' | ')}`,
    );
    assert.ok(
      threads.some((text) => /MainThread/.test(text)),
      `the main thread is listed: ${threads.join(' | ')}`,
    );
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });
});
