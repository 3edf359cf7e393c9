// The status bar item of an ftpy debug session: "3.13t · GIL off", or a warning when an import
// turned the GIL back on; a click explains what happened and what to do.
import * as vscode from 'vscode';
import { gilStatus, type GilStatus } from '../model/gilStatus';
import type { RuntimeSessions } from '../debugging/runtimeSessions';

const EXPLAIN_COMMAND = 'ftpy.explainGilStatus';

export class GilStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('ftpy.gilStatus', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[];
  private shown: GilStatus | undefined;

  constructor(private readonly sessions: RuntimeSessions) {
    this.item.name = 'Free-Threaded Python: GIL';
    this.item.command = EXPLAIN_COMMAND;
    this.subscriptions = [this.item, vscode.commands.registerCommand(EXPLAIN_COMMAND, () => this.explain()), sessions.onDidChange(() => this.update())];
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private update(): void {
    const model = this.sessions.active;
    const interpreter = model?.info;
    if (!model || !interpreter) {
      this.shown = undefined;
      this.item.hide();
      return;
    }
    const { history } = model;
    const next = gilStatus(interpreter.version, history.latest?.gilEnabled ?? interpreter.gilEnabled, history.gilChanges);
    // Called for every batch of samples: the item (each setter a message to the window) changes only when its text does.
    if (this.shown && next.text === this.shown.text && next.tooltip === this.shown.tooltip && next.warning === this.shown.warning) return;
    this.shown = next;
    this.item.text = this.shown.warning ? `$(warning) ${this.shown.text}` : this.shown.text;
    this.item.tooltip = this.shown.tooltip;
    this.item.backgroundColor = this.shown.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  private explain(): void {
    const shown = this.shown;
    if (!shown) return;
    void (shown.warning ? vscode.window.showWarningMessage(shown.explanation) : vscode.window.showInformationMessage(shown.explanation));
  }
}
