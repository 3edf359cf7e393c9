// Debugging where the program's memory cannot be read (as on a system without /proc/PID/mem, or a
// container that denies it; FTPY_PROCESS_MEMORY=off simulates it): breakpoints and every thread's
// stack still work through the agent, and the runtime panel and the Threads & Locks view each say
// in one line that what they read from memory is off, and why.
import { exampleLine } from './support/examples';
import { Workbench } from './support/workbench';

suite('e2e: no process memory', () => {
  test('a breakpoint stops with every thread; the runtime panel and Threads & Locks say why they are off', async function () {
    this.timeout(240_000);
    const example = 'shared_refcount.py';
    const workbench = await Workbench.open({ env: { FTPY_PROCESS_MEMORY: 'off' } });
    const page = workbench.page;
    try {
      await workbench.openFile(example);
      await workbench.toggleBreakpointAt(exampleLine(example, 'number += batch_size'));
      const callStack = await workbench.debugToBreakpoint();
      for (const thread of ['MainThread', 'producer', 'consumer-0']) await callStack.locator('.monaco-list-row', { hasText: thread }).first().waitFor();

      // The Threads & Locks view: the agent's threads, and the note that memory locks are off.
      const header = page.locator('.pane-header', { hasText: 'Threads & Locks' });
      await header.waitFor({ timeout: 30_000 });
      for (const other of ['Variables', 'Watch', 'Breakpoints']) {
        const otherHeader = page.locator('.pane-header', { hasText: new RegExp(`^${other}$`, 'i') });
        if ((await otherHeader.getAttribute('aria-expanded')) === 'true') await otherHeader.click(); // room for the view
      }
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      const pane = page.locator('.pane', { has: header });
      await pane
        .locator('.monaco-list-row', { hasText: /Locks from memory are not available .*memory is off \(FTPY_PROCESS_MEMORY=off\)/ })
        .first()
        .waitFor({ timeout: 30_000 });

      // The runtime panel: the agent's collections and GIL changes only, and why.
      await workbench.runCommand('Free-Threaded Runtime: Focus on Runtime View');
      const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await panel
        .locator('.unavailable', { hasText: /No samples of the program's memory .*memory is off \(FTPY_PROCESS_MEMORY=off\)/ })
        .waitFor({ timeout: 30_000 });
      await page.mouse.move(900, 700); // no hover tooltip in the screenshot
      await workbench.screenshot('no-process-memory');
      await page.locator('.part.panel .composite.title').click({ position: { x: 5, y: 5 } }); // the keyboard back to the workbench
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    } finally {
      await workbench.close();
    }
  });
});
