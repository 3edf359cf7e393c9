import * as path from 'node:path';
import * as vscode from 'vscode';

/** Starts ftpy's debug adapter for `ftpy` sessions: `dist/debug-adapter.js` on the extension
 * host's own runtime, or, with FTPY_DEBUG_SERVER=PORT, the adapter you started yourself with
 * `node dist/debug-adapter.js --server=PORT`. */
export function registerDebugAdapter(): vscode.Disposable {
  return vscode.debug.registerDebugAdapterDescriptorFactory('ftpy', {
    createDebugAdapterDescriptor() {
      const port = Number(process.env.FTPY_DEBUG_SERVER);
      if (Number.isInteger(port) && port > 0) return new vscode.DebugAdapterServer(port, '127.0.0.1');
      // In desktop VS Code the extension host's executable is Electron: make it behave as node.
      const options = process.versions.electron ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : undefined;
      return new vscode.DebugAdapterExecutable(process.execPath, [path.join(__dirname, 'debug-adapter.js')], options);
    },
  });
}

/** F5 with no launch.json on a Python file: debug that file. */
export function registerConfigurationProvider(): vscode.Disposable {
  return vscode.debug.registerDebugConfigurationProvider('ftpy', {
    resolveDebugConfiguration(_folder, config) {
      if (!config.type && !config.request && !config.name) {
        const editor = vscode.window.activeTextEditor;
        if (editor?.document.languageId !== 'python') {
          void vscode.window.showErrorMessage('Open a Python file to debug it with Free-Threaded Python, or add an "ftpy" configuration to launch.json.');
          return undefined;
        }
        return { type: 'ftpy', request: 'launch', name: 'Debug Python File (Free-Threaded)', program: editor.document.fileName };
      }
      return config;
    },
  });
}
