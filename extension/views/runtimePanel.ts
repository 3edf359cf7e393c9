// The "Free-Threaded Runtime" panel: a webview view showing the active ftpy session's runtime
// model (GC, refcount merges, eval-breaker, heaps). The webview is its own browser bundle
// (dist/webview/runtime.js); this side only hands it messages.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { errorMessage } from '../../runtime/errors';
import type { RuntimeChange, RuntimeSessions } from '../debugging/runtimeSessions';
import type { FromWebview, PanelTab, SessionView, ToWebview } from '../webview/messages';

export const RUNTIME_VIEW_ID = 'ftpy.runtime';

/** While the session runs and the Heaps tab is visible, heaps come from a snapshot this often. */
const SNAPSHOT_INTERVAL_MS = 2000;

export class RuntimePanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private pendingTab: PanelTab | undefined;
  private shownTab: PanelTab | undefined;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: RuntimeSessions,
  ) {
    this.listener = sessions.onDidChange((change) => this.onChange(change));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const bundleDir = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [bundleDir] };
    view.webview.html = html(view.webview, bundleDir);
    view.webview.onDidReceiveMessage((message: FromWebview) => {
      if (message.type === 'ready') {
        // Its script runs: it is shown (no visibility change announces a view's first showing).
        this.sessions.showSamples(true);
        this.post({ type: 'session', session: this.sessionView() });
        if (this.pendingTab) this.post({ type: 'showTab', tab: this.pendingTab });
        this.pendingTab = undefined;
      } else if (message.type === 'refreshSnapshot') {
        void this.sessions.refreshSnapshot();
      } else if (message.type === 'record') {
        void this.sessions.recordScaling(message.on);
      } else if (message.type === 'openSite') {
        void openSite(message.file, message.line);
      } else if (message.type === 'tab') {
        this.shownTab = message.tab;
        if (message.tab === 'heaps') void this.sessions.refreshSnapshot();
        this.updateSnapshotTimer();
      }
    });
    view.onDidChangeVisibility(() => {
      this.sessions.showSamples(view.visible);
      this.updateSnapshotTimer();
    });
    view.onDidDispose(() => {
      if (this.view !== view) return; // a newer view has been resolved already
      this.view = undefined;
      this.sessions.showSamples(false);
      this.updateSnapshotTimer();
    });
    this.updateSnapshotTimer();
  }

  /** Opens the panel on `tab` (the webview may still be loading: it then asks for it when ready). */
  async reveal(tab: PanelTab): Promise<void> {
    this.pendingTab = tab;
    await vscode.commands.executeCommand(`${RUNTIME_VIEW_ID}.focus`);
    if (this.view) this.post({ type: 'showTab', tab });
  }

  dispose(): void {
    this.listener.dispose();
    clearInterval(this.snapshotTimer);
  }

  private onChange(change: RuntimeChange): void {
    const model = this.sessions.shown;
    if (change.kind === 'samples') this.post({ type: 'samples', batch: change.batch });
    else if (change.kind === 'session' || !model) this.post({ type: 'session', session: this.sessionView() });
    else if (change.kind === 'phase') this.post({ type: 'phase', phase: model.phase });
    else if (change.kind === 'snapshot' && model.snapshot) this.post({ type: 'snapshot', snapshot: model.snapshot });
    else if (change.kind === 'refcount' && model.refcount) this.post({ type: 'refcount', refcount: model.refcount });
    else if (change.kind === 'scaling' && model.scaling) this.post({ type: 'scaling', scaling: model.scaling });
    this.updateSnapshotTimer();
  }

  private sessionView(): SessionView | null {
    const model = this.sessions.shown;
    if (!model) return null;
    const { name, phase, history, snapshot, refcount, scaling } = model;
    return { name, phase, history, snapshot, refcount, scaling };
  }

  private updateSnapshotTimer(): void {
    const wanted = this.view?.visible === true && this.shownTab === 'heaps' && this.sessions.active?.phase === 'running';
    if (wanted && !this.snapshotTimer) {
      this.snapshotTimer = setInterval(() => void this.sessions.refreshSnapshot(), SNAPSHOT_INTERVAL_MS);
    } else if (!wanted && this.snapshotTimer) {
      clearInterval(this.snapshotTimer);
      this.snapshotTimer = undefined;
    }
  }

  private post(message: ToWebview): void {
    void this.view?.webview.postMessage(message);
  }
}

/** Opens `file` at `line` (1-based) beside the panel. */
async function openSite(file: string, line: number): Promise<void> {
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(position, position), preview: true });
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot open ${file}: ${errorMessage(error)}`);
  }
}

function html(webview: vscode.Webview, bundleDir: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(bundleDir, 'runtime.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(bundleDir, 'runtime.css'));
  // Lit (vscode-elements) adopts constructable stylesheets, which CSP style-src allows; inline
  // style attributes are set by uPlot, hence 'unsafe-inline' for styles only, never for scripts.
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Free-Threaded Runtime</title>
</head>
<body>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
