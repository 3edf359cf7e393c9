// The "Free-Threaded Runtime" panel in a real VS Code, during a debug run of
// examples/shared_refcount.py: each tab live, then frozen at a breakpoint with the census,
// Inspect Refcount on a variable, the GIL status item, and the panel cleared at the end.
import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { exampleLine } from './support/examples';
import { sharedWorkbench, Workbench } from './support/workbench';

const EXAMPLE = 'shared_refcount.py';

/** The runtime panel's document (code-server nests a webview's page in two iframes). */
function runtimePanel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function showTab(workbench: Workbench, panel: FrameLocator, tab: string, name: string): Promise<void> {
  await panel.locator(`vscode-tab-header[data-tab="${tab}"]`).click();
  await panel.locator(`vscode-tab-panel[data-tab="${tab}"]`).waitFor({ state: 'visible' });
  await workbench.screenshot(name);
}

/** Gives the keyboard back to the workbench (keys typed in a webview stay there). */
async function leaveWebview(page: Page): Promise<void> {
  await page.locator('.part.panel .composite.title').click({ position: { x: 5, y: 5 } });
}

/** The number in the panel's "N samples" line. */
async function sampleCount(panel: FrameLocator): Promise<number> {
  const text = await panel.locator('.session').innerText();
  return Number(/(\d+) samples/.exec(text)?.[1] ?? 0);
}

suite('e2e: runtime panels', () => {
  test('GC, refcount merges, eval-breaker and heaps follow a debug run; Inspect Refcount explains a variable', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await workbench.openFile(EXAMPLE);
    await workbench.runCommand('Free-Threaded Python: Debug Python File');
    await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });

    await page.locator('.statusbar-item', { hasText: '3.13t · GIL off' }).waitFor({ timeout: 30_000 });
    await workbench.runCommand('View: Toggle Maximized Panel');
    await workbench.runCommand('Free-Threaded Runtime: Focus on Runtime View');
    const panel = runtimePanel(page);
    await panel.locator('vscode-badge[data-phase="running"]').waitFor({ timeout: 30_000 });
    // Live: samples arrive; the producer's thread shows up in the charts and the matrix.
    await panel.locator('.uplot .u-legend', { hasText: 'producer' }).first().waitFor({ timeout: 30_000 });
    const live = await sampleCount(panel);
    await page.waitForTimeout(2000);
    assert.ok((await sampleCount(panel)) > live, 'the sample count grows while the program runs');

    await showTab(workbench, panel, 'gc', 'runtime-gc');
    assert.ok((await panel.locator('vscode-tab-panel[data-tab="gc"] table.grid tbody tr').count()) >= 1, 'the GC generations are listed');
    await showTab(workbench, panel, 'refcounts', 'runtime-refcount-merges');
    await showTab(workbench, panel, 'evalBreaker', 'runtime-eval-breaker');
    const matrix = await panel.locator('table.matrix tbody').innerText();
    assert.match(matrix, /producer/);
    assert.match(matrix, /consumer-0/);
    await showTab(workbench, panel, 'heaps', 'runtime-heaps');
    await panel.locator('vscode-tab-panel[data-tab="heaps"] table.grid tbody tr').first().waitFor({ timeout: 15_000 });

    // Stopped: the view freezes at the stop and the census by type appears.
    await leaveWebview(page);
    await workbench.runCommand('View: Toggle Maximized Panel');
    await workbench.openFile(EXAMPLE);
    await workbench.toggleBreakpointAt(exampleLine(EXAMPLE, 'number += batch_size'));
    await page.locator('.debug-call-stack').getByText(/paused on breakpoint/i).first().waitFor({ timeout: 60_000 });
    await panel.locator('vscode-badge[data-phase="stopped"]').waitFor({ timeout: 15_000 });
    const frozen = await sampleCount(panel);
    await panel.locator('table.census tbody tr', { hasText: 'Order' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    assert.equal(await sampleCount(panel), frozen, 'the view stays frozen while stopped');
    await workbench.screenshot('runtime-heaps-stopped-census');

    // Inspect Refcount on `batch`, a list the producer thread created.
    const variable = page.locator('.debug-variables .monaco-list-row', { hasText: /^batch/ }).first();
    await variable.click({ button: 'right' });
    await page.locator('.context-view .action-item', { hasText: 'Inspect Refcount' }).click();
    const owner = panel.locator('td[data-field="Owner thread"]');
    await owner.waitFor({ timeout: 30_000 });
    assert.match(await owner.innerText(), /producer/);
    assert.match((await panel.locator('tr', { has: panel.locator('td[data-field="Immortal"]') }).getAttribute('title')) ?? '', /immortal/i);
    await workbench.screenshot('runtime-inspect-refcount');

    // The end of the session clears the panel.
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 });
    await panel.locator('.empty').waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await page.locator('.statusbar-item', { hasText: 'GIL off' }).count(), 0, 'the GIL status leaves with the session');
  });
});
