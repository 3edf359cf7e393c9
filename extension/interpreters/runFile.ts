import * as path from 'node:path';
import * as vscode from 'vscode';
import { RuntimeService } from './runtimeService';
import { trusted } from '../trust';

/** "Run Python File": runs the file through `ftpy run` (GIL off), so that the terminal shows the
 * same output and GIL notice as the command line. It runs as a task with a process execution:
 * VS Code starts the process itself, with its own argument list, in a terminal that stays open
 * with the output and the exit code; nothing is typed into the user's shell, so no shell's
 * quoting rules (bash, fish, tcsh, a REPL set as the default profile) can change what runs, and
 * a program still running in a terminal never gets the next command line on its stdin. */
export async function runPythonFile(
  uri: vscode.Uri | undefined,
  runtimes: RuntimeService,
  log: vscode.LogOutputChannel,
  python: string | undefined,
): Promise<void> {
  if (!trusted('run programs')) return;
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || (document.languageId !== 'python' && !document.fileName.endsWith('.py'))) {
    void vscode.window.showErrorMessage('Open a Python file to run it with Free-Threaded Python.');
    return;
  }
  if (document.isUntitled) {
    void vscode.window.showErrorMessage('Save the file first: Free-Threaded Python runs files from disk.');
    return;
  }
  if (document.isDirty) await document.save();
  let interpreter: string;
  try {
    // A chosen interpreter is checked by `ftpy run --python`; the embedded one is the settings' (ftpy.runtime.*).
    interpreter = python ?? (await runtimes.get()).python;
  } catch (error) {
    await runtimes.showFailure(error);
    return;
  }
  const args = [path.join(__dirname, 'cli.js'), 'run', '--python', interpreter, document.fileName];
  log.info(`run: ${JSON.stringify([process.execPath, ...args])}`);
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  // In desktop VS Code the extension host's executable is Electron: make it behave as node.
  const env = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : undefined;
  const execution = new vscode.ProcessExecution(process.execPath, args, { cwd: folder?.uri.fsPath ?? path.dirname(document.fileName), env });
  const name = path.basename(document.fileName);
  const task = new vscode.Task({ type: 'ftpy', program: document.fileName }, folder ?? vscode.TaskScope.Workspace, name, 'Free-Threaded Python', execution);
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Shared, focus: true, clear: false, echo: true };
  await vscode.tasks.executeTask(task);
}
