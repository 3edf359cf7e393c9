// The harness itself, with VS Code's own commands only: a failure here is the
// harness's (or code-server's), not the extension's.
import assert from 'node:assert/strict';
import { sharedWorkbench } from './support/workbench';

suite('e2e: harness', () => {
  test('opens a file of examples/ in an editor', async () => {
    const workbench = await sharedWorkbench();
    await workbench.openFile('histogram.py');
    const editorText = await workbench.page.locator('.editor-instance .view-lines').innerText();
    assert.match(editorText, /speedup/);
  });

  test('reads what a terminal prints', async () => {
    const workbench = await sharedWorkbench();
    await workbench.runCommand('Terminal: Create New Terminal');
    // A new terminal takes the keyboard focus once it is ready for input.
    await workbench.page.locator('.xterm-helper-textarea:focus').waitFor({ state: 'attached' });
    await workbench.page.keyboard.type('echo ftpy-$((6 * 7))\n');
    // The sum appears only if the shell ran the command, not just echoed the typing.
    await workbench.waitForTerminalText('ftpy-42', 30_000);
  });
});
