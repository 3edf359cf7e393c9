// A real VS Code (code-server, started by scripts/serve.mjs like `npm start`
// does) in a real browser (Debian's chromium via playwright-core), with our
// extension installed and examples/ opened, plus the few actions tests need.
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { exited, freePort, killGroup, waitForOutput } from './processes';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const resultsDir = path.join(repoRoot, 'test-results');

export class Workbench {
  private browser: Browser | undefined;
  private codeServerPid: number | undefined;
  private page_: Page | undefined;

  private constructor(
    private readonly server: ChildProcess,
    private readonly userDataDir: string,
  ) {}

  /** Starts code-server on a free loopback port with a fresh profile, and opens it in chromium.
   * `settings` are added to the profile's; `untrusted`: Workspace Trust on and examples/ untrusted
   * (Restricted Mode); `extensionHome`: the extension's FTPY_HOME; `env`: added to VS Code's
   * environment, which the extension and the debug adapters it starts inherit. */
  static async open(
    options: { settings?: Record<string, unknown>; untrusted?: boolean; extensionHome?: string; env?: Record<string, string> } = {},
  ): Promise<Workbench> {
    const port = await freePort();
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-e2e-'));
    const serve = path.join(repoRoot, 'scripts', 'serve.mjs');
    const args = [serve, '--port', String(port), '--user-data-dir', userDataDir, '--until-stdin-closes', '--settings', JSON.stringify(options.settings ?? {})];
    if (options.untrusted) args.push('--workspace-trust');
    const env = { ...options.env, ...(options.extensionHome ? { FTPY_HOME: options.extensionHome } : {}) };
    args.push('--env', JSON.stringify(env));
    // stdin is a pipe: if this process dies, serve.mjs sees it close and stops code-server.
    const server = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const workbench = new Workbench(server, userDataDir);
    try {
      const ready = await waitForOutput(server, /ready: open (\S+) with password (\S+) \(code-server pid (\d+)/, 90_000);
      workbench.codeServerPid = Number(ready[3]);
      await workbench.launchBrowser(ready[1], ready[2]);
    } catch (error) {
      await workbench.close();
      throw error;
    }
    return workbench;
  }

  get page(): Page {
    if (!this.page_) throw new Error('the workbench is not open');
    return this.page_;
  }

  private async launchBrowser(url: string, password: string): Promise<void> {
    const { chromiumPath, chromiumArgs } = await import('../../../scripts/lib/chromium.mjs');
    this.browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    this.page_ = await this.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await this.page_.goto(url);
    // code-server's login page first, as a user meets it.
    await this.page_.locator('input[type="password"]').fill(password);
    await this.page_.keyboard.press('Enter');
    // The explorer lists examples/ once the workbench is up; ftpy's interpreter item shows once the
    // extension is active (examples/ has Python files), and from then on its commands are in the palette.
    await this.page_.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    await this.page_.locator('.statusbar-item[id="ftpy.ftpy.ftpy.interpreter"]').waitFor({ timeout: 60_000 });
  }

  /** Runs a command by its title (as the command palette shows it, "Category: Title"). */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickAccess();
    await input.fill(`>${title}`);
    await this.quickPick(title);
  }

  /**
   * Opens Quick Access by a click on the title bar's Command Center, not by F1: a key goes to
   * whatever has the focus, and a webview the workbench focuses as a pick closes (the runtime
   * panel) can take F1 and lose it. The click also waits until nothing covers the Command Center.
   */
  private async openQuickAccess(): Promise<Locator> {
    await this.page.locator('.command-center .command-center-center').click();
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    return input;
  }

  /** Ends any debug session and removes every breakpoint: the workbench is shared by the tests. */
  async resetDebugging(): Promise<void> {
    const toolbar = this.page.locator('.debug-toolbar');
    for (let attempt = 0; attempt < 3 && (await toolbar.isVisible()); attempt++) {
      await this.page.keyboard.press('Shift+F5');
      await toolbar.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
    }
    if ((await this.page.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-disabled, .codicon-debug-breakpoint-unverified').count()) > 0) {
      await this.runCommand('Remove All Breakpoints').catch(() => this.page.keyboard.press('Escape'));
    }
  }

  /** Opens a file of the workspace by its path relative to examples/. */
  async openFile(relativePath: string): Promise<void> {
    const input = await this.openQuickAccess();
    await input.fill(relativePath);
    await this.quickPick(path.basename(relativePath));
    await this.page.locator('.tabs-container .tab.active', { hasText: path.basename(relativePath) }).waitFor();
    // Leave the keyboard focus in the editor, as a user would: commands whose `when`
    // clause reads editor context keys (editorLangId) only show up then. The click goes to the
    // editor's viewport (.overflow-guard), not to its lines: in a new workbench the editor can
    // open scrolled past its text (1 run in 5), and the middle of the lines is then off screen.
    const editor = this.page.locator('.editor-group-container.active .monaco-editor');
    await editor.locator('.overflow-guard').click();
    await this.page
      .locator('.editor-group-container.active .monaco-editor.focused')
      .waitFor()
      .catch(async (error: unknown) => {
        // What holds the focus, and a picture, for whoever looks next.
        const focused = await this.page.evaluate<string>(
          `(() => { const e = document.activeElement; return e ? '<' + e.tagName.toLowerCase() + ' class="' + e.className + '">' : 'nothing'; })()`,
        );
        await this.screenshot(`failed-focus-${path.basename(relativePath)}`).catch(() => undefined);
        throw new Error(`the editor of ${relativePath} did not take the focus after a click; it is on ${focused} (${String(error)})`);
      });
  }

  /** Runs "Debug Python File" on the active editor and waits for the stop at a breakpoint; returns the Call Stack view. */
  async debugToBreakpoint(): Promise<Locator> {
    await this.runCommand('Free-Threaded Python: Debug Python File');
    const callStack = this.page.locator('.debug-call-stack');
    await callStack
      .getByText(/paused on breakpoint/i)
      .first()
      .waitFor({ timeout: 60_000 });
    return callStack;
  }

  /** Starts the launch configuration named `name` (examples/.vscode/launch.json), as Run and Debug's picker does. */
  async startDebugging(name: string): Promise<void> {
    await this.runCommand('Debug: Select and Start Debugging');
    await this.quickPick(name);
  }

  /** Puts the cursor on `line` of the active editor and toggles a breakpoint there (F9). */
  async toggleBreakpointAt(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.page.locator('.quick-input-widget input').fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.keyboard.press('F9');
    await this.page.locator('.editor-group-container.active .codicon-debug-breakpoint').first().waitFor();
  }

  /** Picks the quick-input row whose label is exactly `label`. */
  private async quickPick(label: string): Promise<void> {
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) })
      .first();
    await row.click();
  }

  /** The text the terminals show (the DOM renderer draws it as text). */
  async terminalText(): Promise<string> {
    return (await this.page.locator('.xterm-rows').allInnerTexts()).join('\n');
  }

  async waitForTerminalText(text: string, timeoutMs: number): Promise<string> {
    return waitForText(
      () => this.terminalText(),
      (shown) => shown.includes(text),
      `the terminal did not show "${text}"`,
      timeoutMs,
    );
  }

  /** The text of the extension's log ("Free-Threaded Python" output), as VS Code has written it so far. */
  extensionLog(): string {
    const found = findFile(path.join(this.userDataDir, 'logs'), 'Free-Threaded Python.log');
    return found ? fs.readFileSync(found, 'utf8') : '';
  }

  /** Waits until the extension's log (written by VS Code as it goes) satisfies `done`. */
  async waitForLog(done: (log: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
    return waitForText(async () => this.extensionLog(), done, `the extension's log did not show ${what}`, timeoutMs);
  }

  /** Saves test-results/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Closes the browser and stops code-server with everything it started; safe to call twice. */
  async close(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    this.browser = undefined;
    this.page_ = undefined;
    this.server.stdin?.end();
    const stuck = setTimeout(() => this.server.kill('SIGKILL'), 15_000);
    await exited(this.server);
    clearTimeout(stuck);
    // serve.mjs already stopped it; this only matters if serve.mjs itself failed.
    if (this.codeServerPid) killGroup(this.codeServerPid);
    fs.rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

let shared: Promise<Workbench> | undefined;

/** One workbench for the whole e2e run (starting code-server costs seconds); closed by hooks.ts. */
export function sharedWorkbench(): Promise<Workbench> {
  shared ??= Workbench.open();
  return shared;
}

export async function closeSharedWorkbench(): Promise<void> {
  const workbench = await shared?.catch(() => undefined);
  shared = undefined;
  await workbench?.close();
}

/** The shared workbench if one was opened successfully (for failure screenshots). */
export async function openedWorkbench(): Promise<Workbench | undefined> {
  return shared?.catch(() => undefined);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === name) return path.join(entry.parentPath, entry.name);
  }
  return undefined;
}

/** Reads `read()` until `done` holds; past `timeoutMs`, fails saying what did not happen and what it read last. */
export async function waitForText(read: () => Promise<string>, done: (text: string) => boolean, failure: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await read();
    if (done(text)) return text;
    if (Date.now() > deadline) throw new Error(`${failure} within ${timeoutMs / 1000} s; it shows:\n${text.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
