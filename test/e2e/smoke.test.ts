// The README's promise, end to end: in a real VS Code with our .vsix installed,
// "Run Python File" runs examples/histogram.py on the embedded free-threaded runtime.
import assert from 'node:assert/strict';
import { sharedWorkbench, Workbench } from './support/workbench';

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

  test("Run Python File types nothing into the user's shell: with a Python REPL as the default terminal profile, the file still runs", async () => {
    // A command line typed into this "shell" would be a SyntaxError, never the program's output.
    const settings = {
      'terminal.integrated.profiles.linux': { 'python REPL': { path: 'python3', args: ['-q', '-i'] } },
      'terminal.integrated.defaultProfile.linux': 'python REPL',
    };
    const workbench = await Workbench.open({ settings });
    try {
      await workbench.openFile('histogram.py');
      await workbench.runCommand('Free-Threaded Python: Run Python File');
      const shown = await workbench.waitForTerminalText('speedup', 120_000);
      await workbench.screenshot('run-histogram-repl-profile');
      assert.match(shown, /GIL off/);
      assert.doesNotMatch(shown, /SyntaxError/);
    } finally {
      await workbench.close();
    }
  });
});
