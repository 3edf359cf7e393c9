import * as vscode from 'vscode';

/** Whether ftpy may run Python here. In Restricted Mode it runs nothing (programs, interpreters
 * to describe them) and says why, with a way to trust the workspace. */
export function trusted(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(
      `Free-Threaded Python does not ${what} in Restricted Mode: running Python could run this workspace's code. Trust the workspace first.`,
      manage,
    )
    .then((chosen) => chosen === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
