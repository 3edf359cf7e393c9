// The language server and the bytecode documents in a real VS Code: a GIL-re-enabling import
// gets its diagnostic, hover shows a line's bytecode, "Show Bytecode" opens the listing.
// The fixtures (and needs_gil, built for the test runtime) are copied into examples/, the
// workspace code-server opens, and removed afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fixtures, repoRoot } from '../support/cli';
import { marker } from '../support/markers';
import { buildNeedsGil } from '../support/needsGil';
import { testPython } from '../support/runtime';
import { openedWorkbench, sharedWorkbench, Workbench } from './support/workbench';

const examples = path.join(repoRoot, 'examples');
const copied = ['gil_imports.py', 'wraps_needs_gil.py'];

/** Opens a file copied into examples/ from the explorer: quick open's file search may not
 * list it yet when the workbench started before the copy. */
async function openCopied(workbench: Workbench, name: string): Promise<void> {
  const page = workbench.page;
  await workbench.runCommand('View: Show Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) });
  await row.click({ timeout: 60_000 });
  await page
    .locator('.tabs-container .tab.active', { hasText: new RegExp(`^${name}`) })
    .first()
    .waitFor();
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+Home'); // the click may have scrolled the imports out of view
}

suite('e2e: language features', () => {
  const added: string[] = [];
  suiteSetup(() => {
    added.push(buildNeedsGil(testPython(), examples));
    for (const name of copied) {
      fs.copyFileSync(path.join(fixtures, name), path.join(examples, name));
      added.push(path.join(examples, name));
    }
    added.push(path.join(examples, 'imported'), path.join(examples, '__pycache__'));
  });
  suiteTeardown(async () => {
    // The next suites expect one editor group and no editor of files about to be deleted.
    await (await openedWorkbench())?.runCommand('View: Close All Editors');
    for (const file of added) fs.rmSync(file, { recursive: true, force: true });
  });

  test('an import that re-enables the GIL gets a warning', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await openCopied(workbench, 'gil_imports.py');
    await page.locator('.editor-group-container.active .squiggly-warning').first().waitFor({ timeout: 60_000 });
    await workbench.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const problems = page.locator('.markers-panel .monaco-list-row', { hasText: "'needs_gil' does not declare" });
    await problems.first().waitFor({ timeout: 30_000 });
    const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
    await workbench.screenshot('language-gil-import-diagnostic');
    const file = path.join(fixtures, 'gil_imports.py');
    assert.ok(
      rows.some((row) => row.includes(`'needs_gil' does not declare`) && row.includes(`[Ln ${marker(file, 'needs_gil')}`)),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((row) => row.includes(`'wraps_needs_gil' loads 'needs_gil'`) && row.includes(`[Ln ${marker(file, 'indirect')}`)),
      rows.join('\n'),
    );
    assert.ok(!rows.some((row) => row.includes("'json'")), 'a GIL-free import is not flagged');
  });

  test("hovering a line shows that line's bytecode", async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await openCopied(workbench, 'gil_imports.py');
    const line = page.locator('.editor-group-container.active .view-line', { hasText: /return\s+wrapped\(value\)/ });
    await line
      .locator('span span', { hasText: /^return$/ })
      .first()
      .hover();
    const hover = page.locator('.monaco-hover', { hasText: 'Bytecode of line' });
    await hover.waitFor({ timeout: 30_000 });
    const text = await hover.innerText();
    await workbench.screenshot('language-bytecode-hover');
    assert.match(text, /code twice/);
    assert.match(text, /LOAD_GLOBAL\s+\d+ \(wrapped \+ NULL\)/);
    await page.keyboard.press('Escape');
  });

  test('"Show Bytecode" opens the listing of the file, then of the function at the cursor, refreshed on save', async () => {
    const workbench = await sharedWorkbench();
    const page = workbench.page;
    await openCopied(workbench, 'gil_imports.py');
    await workbench.runCommand('Free-Threaded Python: Show Bytecode');
    await page.locator('.tabs-container .tab.active', { hasText: 'gil_imports.py.bytecode' }).waitFor({ timeout: 30_000 });
    const listing = page.locator('.editor-group-container.active .view-lines');
    await listing.getByText('code <module>').waitFor({ timeout: 30_000 });
    assert.match(await listing.innerText(), /#\sBytecode\sof\s\S*gil_imports\.py[\s\S]*RESUME/);
    assert.match(await page.locator('.statusbar').innerText(), /Free-Threaded Python Bytecode/);
    await workbench.screenshot('language-show-bytecode');

    await workbench.runCommand('View: Close All Editors');
    await openCopied(workbench, 'gil_imports.py');
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${marker(path.join(fixtures, 'gil_imports.py'), 'hover')}`);
    await page.keyboard.press('Enter');
    await workbench.runCommand('Free-Threaded Python: Show Bytecode of Function at Cursor');
    await page.locator('.tabs-container .tab.active', { hasText: /gil_imports\.py:\d+\.bytecode/ }).waitFor({ timeout: 30_000 });
    await listing.getByText('code twice').waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await listing.innerText(), /code <module>/);
    await workbench.screenshot('language-function-bytecode');

    // Saving the source refreshes the listing: add a statement to twice() and save.
    await page
      .locator('.editor-group-container', { has: page.locator('.tab[data-resource-name="gil_imports.py"]') })
      .locator('.view-lines')
      .click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${marker(path.join(fixtures, 'gil_imports.py'), 'hover')}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    await page.keyboard.type('extra = 4242');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+S');
    await page.locator('.view-lines', { hasText: /LOAD_CONST\s+\d+\s+\(4242\)/ }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('language-bytecode-after-save');
  });
});
