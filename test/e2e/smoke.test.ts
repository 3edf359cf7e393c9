// The README's promise, end to end: in a real VS Code with our .vsix installed,
// "Run Python File" runs examples/histogram.py on the embedded free-threaded runtime.
import assert from 'node:assert/strict';
import { sharedWorkbench } from './support/workbench';

suite('e2e: run a file', () => {
  test('"Free-Threaded Python: Run Python File" runs histogram.py in a terminal', async () => {
    const workbench = await sharedWorkbench();
    await workbench.openFile('histogram.py');
    await workbench.runCommand('Free-Threaded Python: Run Python File');
    const shown = await workbench.waitForTerminalText('speedup', 120_000);
    await workbench.screenshot('run-histogram');
    assert.match(shown, /GIL off/);
    assert.match(shown, /events\/s/);
  });
});
