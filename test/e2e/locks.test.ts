// The Threads & Locks view in a real VS Code: debug examples/deadlock.py, the session stops
// on the deadlock and the view shows the cycle, each thread with the lock it holds and the one it waits for.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sharedWorkbench, Workbench } from './support/workbench';

const deadlock = fs.readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'deadlock.py'), 'utf8').split('\n');
/** Where each thread takes its second lock: the inner (8-space indented) `with`. */
const secondLock = (name: string) => deadlock.indexOf(`        with ${name}:`) + 1;

suite('e2e: Threads & Locks', () => {
  test('debugging deadlock.py stops on the deadlock; the view shows the cycle', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await workbench.openFile('deadlock.py');
    await workbench.runCommand('Free-Threaded Python: Debug Python File');
    await workbench.runCommand('View: Show Run and Debug'); // the view another test left open may be the Explorer
    const callStack = page.locator('.debug-call-stack');
    // VS Code shows a stop's description in place of "Paused on …": here the cycle.
    await callStack
      .getByText(/deadlock: .* waits/i)
      .first()
      .waitFor({ timeout: 60_000 });
    const header = page.locator('.pane-header', { hasText: 'Threads & Locks' });
    await header.waitFor({ timeout: 30_000 });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const pane = page.locator('.pane', { has: header });
    const collapsed = [];
    for (const other of ['Variables', 'Watch', 'Breakpoints']) {
      const otherHeader = page.locator('.pane-header', { hasText: new RegExp(`^${other}$`, 'i') });
      if ((await otherHeader.getAttribute('aria-expanded')) !== 'true') continue;
      await otherHeader.click(); // room for the view
      collapsed.push(otherHeader);
    }
    const cycle = pane.locator('.monaco-list-row', { hasText: /Deadlock: (transfer → audit → transfer|audit → transfer → audit)/ });
    await cycle.first().waitFor({ timeout: 30_000 });
    await page.mouse.move(900, 700); // no hover tooltip over the view
    const rows = await pane.locator('.monaco-list-row').allInnerTexts();
    await workbench.screenshot('threads-and-locks-deadlock');
    const text = rows.join('\n');
    // Owners from memory (the default): each lock is held in a with block of its holder.
    assert.match(
      text,
      new RegExp(`transfer waits for Lock 'audit_log' at \\S+\\s*held by audit \\(in a with block\\) at deadlock\\.py:${secondLock('audit_log')}\\b`),
    );
    assert.match(
      text,
      new RegExp(`audit waits for Lock 'accounts' at \\S+\\s*held by transfer \\(in a with block\\) at deadlock\\.py:${secondLock('accounts')}\\b`),
    );
    assert.match(text, /transfer\s*blocked, deadlocked/);
    for (const header of collapsed) await header.click(); // as the next tests expect them
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  });

  test('the view asks the program for its locks only while it is visible', async () => {
    // Every DAP message in the extension's log, and a program that runs for a minute, no stop.
    const workbench = await Workbench.open({ settings: { 'ftpy.trace.dap': true } });
    const count = (log: string, pattern: RegExp) => log.match(pattern)?.length ?? 0;
    const locksRequests = (log: string) => count(log, /client → adapter \{[^\n]*"command":"ftpy\/locks"/g);
    const sampleBatches = (log: string) => count(log, /adapter → client \{[^\n]*"event":"ftpy\/runtimeSample"/g);
    /** The log once the program has sent `more` sample batches (at most 10 a second) beyond those in `log`. */
    const whileRunning = (log: string, more: number) =>
      workbench.waitForLog((now) => sampleBatches(now) >= sampleBatches(log) + more, `${more} more sample batches`);
    try {
      await workbench.openFile('shared_refcount.py');
      await workbench.runCommand('Free-Threaded Python: Debug Python File');
      // The runtime panel's samples are the test's clock: it samples while it is shown. Once the
      // session shows its threads: a first session's start brings the Debug Console to the front.
      await workbench.page.locator('.debug-call-stack .monaco-list-row').first().waitFor();
      await workbench.runCommand('Free-Threaded Runtime: Focus on Runtime View');
      // The Explorer stays in front (no stop): the Run and Debug views are hidden.
      let log = await whileRunning('', 20);
      assert.equal(locksRequests(log), 0, 'no locks request while the view is hidden');

      await workbench.runCommand('View: Show Run and Debug');
      const header = workbench.page.locator('.pane-header', { hasText: 'Threads & Locks' });
      await header.waitFor();
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      log = await workbench.waitForLog((now) => locksRequests(now) >= 3, 'three locks requests (one a second while the view is visible)');

      await workbench.runCommand('View: Show Explorer');
      const whenHidden = locksRequests(workbench.extensionLog());
      log = await whileRunning(workbench.extensionLog(), 20);
      assert.ok(locksRequests(log) <= whenHidden + 1, `hidden again, the view went on asking: ${locksRequests(log) - whenHidden} more requests`);
      await workbench.page.keyboard.press('Shift+F5');
      await workbench.page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
    } finally {
      await workbench.close();
    }
  });
});
