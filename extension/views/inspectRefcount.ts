// "Inspect Refcount" in the Variables view's context menu: asks the adapter for the variable's
// refcount anatomy and shows it in the runtime panel (each field explained in a tooltip).
import * as vscode from 'vscode';
import type { RuntimePanel } from './runtimePanel';
import type { RuntimeSessions } from '../debugging/runtimeSessions';

/** What VS Code passes to debug/variables/context commands. */
interface VariableContext {
  sessionId?: string;
  variable?: { name: string; evaluateName?: string };
}

export async function inspectRefcount(context: VariableContext | undefined, sessions: RuntimeSessions, panel: RuntimePanel): Promise<void> {
  const session = vscode.debug.activeDebugSession;
  const frame = vscode.debug.activeStackItem;
  const expression = context?.variable?.evaluateName;
  if (!session || session.type !== 'ftpy' || !(frame instanceof vscode.DebugStackFrame)) {
    void vscode.window.showErrorMessage('Inspect Refcount works while a Free-Threaded Python session is stopped: select a stack frame, then a variable.');
    return;
  }
  if (!expression) {
    void vscode.window.showErrorMessage(
      `"${context?.variable?.name ?? 'This variable'}" cannot be evaluated on its own: inspect the variable that contains it.`,
    );
    return;
  }
  await panel.reveal('refcounts');
  const refcount = await sessions.inspectRefcount(session, expression, frame.frameId);
  if (refcount.error) void vscode.window.showErrorMessage(`Inspect Refcount of ${expression}: ${refcount.error}`);
}
