// The "Free-Threaded Runtime" panel in a real VS Code, during debug runs of examples/:
// gc_pressure.py for the GC tab, then shared_refcount.py for refcount merges, eval-breaker and
// heaps live, frozen at a breakpoint with the census, Inspect Refcount on a variable; the GIL
// status item, and the panel cleared when each session ends.
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { exampleLine } from './support/examples';
import { sharedWorkbench, waitForText, Workbench } from './support/workbench';

/** The runtime panel's document (code-server nests a webview's page in two iframes). */
function runtimePanel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function showTab(workbench: Workbench, panel: FrameLocator, tab: string, name: string): Promise<void> {
  await panel.locator(`vscode-tab-header[data-tab="${tab}"]`).click();
  await panel.locator(`vscode-tab-panel[data-tab="${tab}"]`).waitFor({ state: 'visible' });
  await workbench.screenshot(name);
}

/** The number in the panel's "N samples" line. */
async function sampleCount(panel: FrameLocator): Promise<number> {
  return samplesIn(await panel.locator('.session').innerText());
}

function samplesIn(text: string): number {
  return Number(/(\d+) samples/.exec(text)?.[1] ?? 0);
}

/** Waits until the panel has counted more than `count` samples. */
async function samplesPast(panel: FrameLocator, count: number): Promise<void> {
  await waitForText(
    () => panel.locator('.session').innerText(),
    (text) => samplesIn(text) > count,
    `the panel counting more than ${count} samples`,
    30_000,
  );
}

/** Gives the keyboard back to the workbench (keys typed in a webview stay there). */
async function leaveWebview(page: Page): Promise<void> {
  await page.locator('.part.panel .composite.title').click({ position: { x: 5, y: 5 } });
}

/** Starts debugging examples/`file` (or `start`s it otherwise) and waits for the panel to go live with it. */
async function debugExample(
  workbench: Workbench,
  file: string,
  start = () => workbench.runCommand('Free-Threaded Python: Debug Python File'),
): Promise<FrameLocator> {
  await workbench.openFile(file);
  await start();
  await workbench.page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
  await workbench.page.locator('.statusbar-item', { hasText: '3.13t · GIL off' }).waitFor({ timeout: 30_000 });
  await workbench.runCommand('Free-Threaded Runtime: Focus on Runtime View');
  const panel = runtimePanel(workbench.page);
  await panel.locator('vscode-badge[data-phase="running"]').waitFor({ timeout: 30_000 });
  return panel;
}

/** Stops debugging: the panel clears and the GIL status item goes. */
async function stopDebugging(workbench: Workbench, panel: FrameLocator): Promise<void> {
  await leaveWebview(workbench.page);
  await workbench.page.keyboard.press('Shift+F5');
  await workbench.page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
  await panel.locator('.empty').waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await workbench.page.locator('.statusbar-item', { hasText: 'GIL off' }).count(), 0, 'the GIL status leaves with the session');
}

suite('e2e: runtime panels', () => {
  test('GC tab: collections of examples/gc_pressure.py with the thresholds', async function () {
    this.timeout(240_000);
    const workbench = await sharedWorkbench();
    const panel = await debugExample(workbench, 'gc_pressure.py');
    await workbench.runCommand('View: Toggle Maximized Panel');
    const collections = panel.locator('.state', { hasText: /[1-9]\d* collections in the window/ });
    await collections.waitFor({ timeout: 30_000 });
    await samplesPast(panel, 150); // three seconds of timeline (50 samples a second) for the screenshot
    await showTab(workbench, panel, 'gc', 'runtime-gc');
    assert.equal(await panel.locator('vscode-tab-panel[data-tab="gc"] table.grid tbody tr').count(), 3, 'the three generations are listed');
    assert.match(await panel.locator('.state').innerText(), /enabled/);
    await leaveWebview(workbench.page);
    await workbench.runCommand('View: Toggle Maximized Panel');
    // The GIL status item explains itself when clicked.
    await workbench.page.locator('.statusbar-item', { hasText: '3.13t · GIL off' }).click();
    await workbench.page.locator('.notification-toast', { hasText: /the GIL is off and threads run Python code in parallel/ }).waitFor({ timeout: 15_000 });
    await stopDebugging(workbench, panel);
  });

  test('refcount merges, eval-breaker and heaps of examples/shared_refcount.py; frozen at a stop; Inspect Refcount', async function () {
    this.timeout(360_000);
    const example = 'shared_refcount.py';
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    const panel = await debugExample(workbench, example);
    await workbench.runCommand('View: Toggle Maximized Panel');
    // Live: samples arrive; the producer's thread shows up in the matrix.
    await panel.locator('table.matrix tbody', { hasText: 'producer' }).waitFor({ state: 'attached', timeout: 30_000 });
    await samplesPast(panel, await sampleCount(panel)); // the count grows while the program runs

    await showTab(workbench, panel, 'refcounts', 'runtime-refcount-merges');
    assert.match(await panel.locator('vscode-tab-panel[data-tab="refcounts"] .u-legend').innerText(), /producer/);
    await showTab(workbench, panel, 'evalBreaker', 'runtime-eval-breaker');
    const matrix = await panel.locator('table.matrix tbody').innerText();
    assert.match(matrix, /producer/);
    assert.match(matrix, /consumer-0/);
    await showTab(workbench, panel, 'heaps', 'runtime-heaps');
    await panel.locator('vscode-tab-panel[data-tab="heaps"] table.grid tbody tr').first().waitFor({ timeout: 15_000 });

    // Stopped: the view freezes at the stop and the census by type appears.
    await leaveWebview(page);
    await workbench.runCommand('View: Toggle Maximized Panel');
    await workbench.openFile(example);
    await workbench.toggleBreakpointAt(exampleLine(example, 'number += batch_size'));
    await page
      .locator('.debug-call-stack')
      .getByText(/paused on breakpoint/i)
      .first()
      .waitFor({ timeout: 60_000 });
    await panel.locator('vscode-badge[data-phase="stopped"]').waitFor({ timeout: 15_000 });
    const frozen = await sampleCount(panel);
    const orders = panel.locator('table.census tbody tr', { hasText: 'Order' });
    await orders.waitFor({ timeout: 30_000 });
    await workbench.runCommand('View: Toggle Maximized Panel');
    await orders.scrollIntoViewIfNeeded();
    await workbench.screenshot('runtime-heaps-stopped-census');

    // Inspect Refcount on `batch`, a list the producer thread created.
    const variables = page.locator('.pane-header', { hasText: /^Variables$/i });
    if ((await variables.getAttribute('aria-expanded')) !== 'true') await variables.click();
    const variable = page.locator('.debug-variables .monaco-list-row', { hasText: /^batch(?!_)/ }).first();
    await variable.click({ button: 'right' });
    const inspect = page.locator('.context-view .action-item', { hasText: 'Inspect Refcount' });
    // Hovered, then Enter: VS Code's menu drops a click that comes within 100 ms of its opening.
    await inspect.hover();
    await page.locator('.context-view .action-item.focused', { hasText: 'Inspect Refcount' }).waitFor();
    await page.keyboard.press('Enter');
    const owner = panel.locator('td[data-field="Owner thread"]');
    await owner.waitFor({ timeout: 30_000 });
    await workbench.screenshot('runtime-inspect-refcount');
    const anatomy = await panel.locator('.anatomy').innerText();
    assert.match(await owner.innerText(), /producer/, anatomy);
    assert.match(await panel.locator('td[data-field="Object"]').innerText(), /^list at 0x/, anatomy);
    assert.match((await panel.locator('tr', { has: panel.locator('td[data-field="Immortal"]') }).getAttribute('title')) ?? '', /immortal/i);
    // Seconds after the stop, through the census and the refcount: no sample came in.
    assert.equal(await sampleCount(panel), frozen, 'the view stays frozen while stopped');
    await leaveWebview(page);
    await workbench.runCommand('View: Toggle Maximized Panel');
    await stopDebugging(workbench, panel);
  });

  test('Scaling tab: a recording of examples/histogram.py names its shared lock at its `with` line; a click opens the line', async function () {
    this.timeout(240_000);
    const example = 'histogram.py';
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    const panel = await debugExample(workbench, example, () => workbench.startDebugging('histogram.py: why the shared lock does not scale'));
    await workbench.runCommand('View: Toggle Maximized Panel');
    await panel.locator('vscode-tab-header[data-tab="scaling"]').click();
    const tab = panel.locator('vscode-tab-panel[data-tab="scaling"]');
    const record = tab.locator('vscode-button', { hasText: 'Record' });
    await record.click();
    await tab.locator('vscode-button[data-recording="true"]').waitFor({ timeout: 30_000 });
    const withLine = exampleLine(example, 'with lock:');
    // Recorded until the verdict names the lock and its `with` line, with both workers seen.
    const verdict = await waitForText(
      () => tab.locator('.verdict').innerText(),
      (text) => new RegExp(`Lock 'lock' at 0x[0-9a-f]+ \\(histogram\\.py:${withLine}\\)`).test(text),
      `the verdict naming the shared lock at histogram.py:${withLine}`,
      60_000,
    );
    assert.match(verdict, /thread time spent on Lock 'lock'/);
    await waitForText(
      () => tab.locator('table.timeline').innerText(),
      (text) => (text.match(/fill_shared/g) ?? []).length >= 2,
      'two workers in the timeline',
      60_000,
    );
    await tab.locator('vscode-button', { hasText: 'Stop' }).click();
    await tab.locator('vscode-button[data-recording="false"]').waitFor({ timeout: 15_000 });
    assert.match(await tab.locator('.toolbar').innerText(), /recorded: \d+ samples in [\d.]+ s/);
    assert.match(await tab.locator('table.locks tbody tr').first().innerText(), new RegExp(`histogram\\.py:${withLine}`));
    assert.ok((await tab.locator('table.timeline .strip .cell.state-running').count()) > 0, 'the timeline shows threads running');
    await workbench.screenshot('runtime-scaling');

    // A line in the table opens it in the editor.
    await leaveWebview(page);
    await workbench.runCommand('View: Toggle Maximized Panel');
    await tab
      .locator('table.locks a.site', { hasText: `histogram.py:${withLine}` })
      .first()
      .click();
    await page.locator('.statusbar-item', { hasText: `Ln ${withLine}, Col 1` }).waitFor({ timeout: 15_000 });
    // Back to the top: VS Code reopens a file where it was left, and the next tests expect histogram.py at its top.
    await page.keyboard.press('Control+Home');
    await page.locator('.statusbar-item', { hasText: 'Ln 1, Col 1' }).waitFor({ timeout: 15_000 });

    // The recording outlives the session (the program may have ended already): shown until another starts.
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await panel.locator('vscode-badge[data-phase="ended"]').waitFor({ timeout: 15_000 });
    assert.match(await tab.locator('.verdict').innerText(), new RegExp(`histogram\\.py:${withLine}`));
    assert.equal(await tab.locator('vscode-button[disabled]', { hasText: 'Record' }).count(), 1, 'no recording once the session ended');
  });
});
