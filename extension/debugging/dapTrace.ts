import * as vscode from 'vscode';

/** Every DAP message of ftpy sessions into the log when `ftpy.trace.dap` is on (read when a
 * session starts); failed responses are logged always, so "Open Log" shows why a launch failed. */
export function registerDapTrace(log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.debug.registerDebugAdapterTrackerFactory('ftpy', {
    createDebugAdapterTracker(session) {
      const trace = vscode.workspace.getConfiguration('ftpy', session.workspaceFolder).get<boolean>('trace.dap', false);
      const name = session.name;
      return {
        onWillReceiveMessage: (message) => trace && log.info(`[${name}] client → adapter ${JSON.stringify(message)}`),
        onDidSendMessage: (message: { type?: string; success?: boolean; command?: string; message?: string }) => {
          if (trace) log.info(`[${name}] adapter → client ${JSON.stringify(message)}`);
          else if (message.type === 'response' && message.success === false) log.warn(`[${name}] ${message.command} failed: ${message.message}`);
        },
        // VS Code reports the adapter's stream closing at the end of every session as an error: noise.
        onError: (error) => log.debug(`[${name}] debug adapter stream: ${error.message}`),
        onExit: (code, signal) => trace && log.info(`[${name}] debug adapter exited (code ${code}, signal ${signal})`),
      };
    },
  });
}
