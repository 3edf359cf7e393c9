// ftpy's VS Code glue: the only code that imports 'vscode'.
import * as vscode from 'vscode';
import { registerDapTrace } from './debugging/dapTrace';
import { debugPythonFile, registerConfigurationProvider, registerDebugAdapter } from './debugging/debugAdapter';
import { activateLanguageFeatures } from './editor/languageFeatures';
import { registerLocksView } from './views/locksView';
import { GilStatusItem } from './views/gilStatusItem';
import { inspectRefcount } from './views/inspectRefcount';
import { InterpreterSelection } from './interpreters/interpreters';
import { pickPythonProcess } from './debugging/pickProcess';
import { RUNTIME_VIEW_ID, RuntimePanel } from './views/runtimePanel';
import { RuntimeSessions } from './debugging/runtimeSessions';
import { RuntimeService } from './interpreters/runtimeService';
import { runPythonFile } from './interpreters/runFile';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Free-Threaded Python', { log: true });
  const runtimes = new RuntimeService(log);
  const interpreters = new InterpreterSelection(context.workspaceState, log, runtimes);
  context.subscriptions.push(
    log,
    interpreters,
    vscode.commands.registerCommand('ftpy.runFile', (uri?: vscode.Uri) => runPythonFile(uri, runtimes, log, interpreters.python)),
    vscode.commands.registerCommand('ftpy.debugFile', (uri?: vscode.Uri) => debugPythonFile(uri)),
    vscode.commands.registerCommand('ftpy.installRuntime', () => runtimes.install()),
    vscode.commands.registerCommand('ftpy.pickProcess', pickPythonProcess),
    vscode.commands.registerCommand('ftpy.openLog', () => log.show()),
    registerDapTrace(log),
    registerDebugAdapter(),
    registerConfigurationProvider(interpreters),
  );
  activateLanguageFeatures(context, runtimes, interpreters, log);
  const sessions = new RuntimeSessions();
  const runtimePanel = new RuntimePanel(context.extensionUri, sessions);
  context.subscriptions.push(
    sessions,
    runtimePanel,
    vscode.window.registerWebviewViewProvider(RUNTIME_VIEW_ID, runtimePanel),
    vscode.commands.registerCommand('ftpy.inspectRefcount', (variable) => inspectRefcount(variable, sessions, runtimePanel)),
    registerLocksView(sessions),
    new GilStatusItem(sessions),
  );
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
