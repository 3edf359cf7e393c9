import * as vscode from 'vscode';
import { listPythonProcesses } from '../../runtime/inspect/processes';

/** `${command:ftpy.pickProcess}`: a running Python process to attach to, as a pid string. */
export async function pickPythonProcess(): Promise<string | undefined> {
  const items = listPythonProcesses().map((process) => ({
    label: `${process.pid}`,
    description: process.commandLine,
    detail: process.binary,
  }));
  if (items.length === 0) {
    void vscode.window.showErrorMessage('No running Python process was found to attach to.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Attach to a Python process (read-only)',
    placeHolder: 'Process id or command line',
    matchOnDescription: true,
  });
  return picked?.label;
}
