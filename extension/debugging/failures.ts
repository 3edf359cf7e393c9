import * as vscode from 'vscode';
import { FIX_ACTION_COMMANDS } from '../../debug-adapter/protocol';
import { errorMessage, UserFacingError } from '../../runtime/errors';

/** Shows a failure with the button that fixes it (when the error names one) and "Open Log";
 * the message also goes to the log. */
export async function showFailure(error: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const message = errorMessage(error);
  log.error(message);
  const fix = error instanceof UserFacingError && error.action && error.action !== 'openLog' ? FIX_ACTION_COMMANDS[error.action] : undefined;
  const openLog = FIX_ACTION_COMMANDS.openLog;
  const buttons = fix ? [fix, openLog] : [openLog];
  const chosen = await vscode.window.showErrorMessage(message, ...buttons.map((button) => button.label));
  const command = buttons.find((button) => button.label === chosen)?.command;
  if (command) await vscode.commands.executeCommand(command);
}
