import * as path from 'node:path';
import * as vscode from 'vscode';
import { RuntimeService } from './runtimeService';
import { trusted } from './trust';

const TERMINAL_NAME = 'Free-Threaded Python';

/** "Run Python File": runs the file in a terminal through `ftpy run` (GIL off), so that the
 * terminal shows the same command, output and GIL notice as the command line. */
export async function runPythonFile(uri: vscode.Uri | undefined, runtimes: RuntimeService, log: vscode.LogOutputChannel, python: string | undefined): Promise<void> {
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
  try {
    if (!python) await runtimes.get(); // a chosen interpreter is checked by `ftpy run --python`
  } catch (error) {
    await runtimes.showFailure(error);
    return;
  }
  const cli = path.join(__dirname, 'cli.js');
  const command = [process.execPath, cli, 'run', ...(python ? ['--python', python] : []), document.fileName].map(shellQuote).join(' ');
  log.info(`run: ${command}`);
  const terminal = findTerminal() ?? createTerminal(document.uri);
  terminal.show();
  terminal.sendText(command);
}

function findTerminal(): vscode.Terminal | undefined {
  return vscode.window.terminals.find((terminal) => terminal.name === TERMINAL_NAME && terminal.exitStatus === undefined);
}

function createTerminal(file: vscode.Uri): vscode.Terminal {
  const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? path.dirname(file.fsPath);
  // In desktop VS Code the extension host's executable is Electron: make it behave as node.
  const env = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : undefined;
  return vscode.window.createTerminal({ name: TERMINAL_NAME, cwd: folder, env });
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
