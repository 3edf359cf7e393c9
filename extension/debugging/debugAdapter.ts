import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InterpreterSelection } from '../interpreters/interpreters';
import { trusted } from '../trust';

/** Starts ftpy's debug adapter for `ftpy` sessions: `dist/debug-adapter.js` on the extension
 * host's own runtime, or, with FTPY_DEBUG_SERVER=PATH, the adapter you started yourself with
 * `node dist/debug-adapter.js --server` (PATH: the private socket it printed). */
export function registerDebugAdapter(): vscode.Disposable {
  return vscode.debug.registerDebugAdapterDescriptorFactory('ftpy', {
    createDebugAdapterDescriptor() {
      const server = process.env.FTPY_DEBUG_SERVER;
      if (server) {
        if (!path.isAbsolute(server))
          throw new Error(`FTPY_DEBUG_SERVER is '${server}': set it to the socket path that 'node dist/debug-adapter.js --server' printed.`);
        return new vscode.DebugAdapterNamedPipeServer(server);
      }
      // In desktop VS Code the extension host's executable is Electron: make it behave as node.
      const options = process.versions.electron ? { env: { ELECTRON_RUN_AS_NODE: '1' } } : undefined;
      return new vscode.DebugAdapterExecutable(process.execPath, [path.join(__dirname, 'debug-adapter.js')], options);
    },
  });
}

/** "Debug Python File": debugs the active Python file with the default launch attributes. */
export async function debugPythonFile(uri: vscode.Uri | undefined): Promise<void> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'python' || document.isUntitled) {
    void vscode.window.showErrorMessage('Open a saved Python file to debug it with Free-Threaded Python.');
    return;
  }
  if (document.isDirty) await document.save();
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(document.uri), debugFileConfiguration(document.fileName));
}

function debugFileConfiguration(program: string): vscode.DebugConfiguration {
  return { type: 'ftpy', request: 'launch', name: 'Debug Python File (Free-Threaded)', program };
}

/** F5 with no launch.json on a Python file: debug that file. */
function fileConfiguration(): vscode.DebugConfiguration | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document.languageId !== 'python') {
    void vscode.window.showErrorMessage('Open a Python file to debug it with Free-Threaded Python, or add an "ftpy" configuration to launch.json.');
    return undefined;
  }
  return debugFileConfiguration(editor.document.fileName);
}

/** ftpy's one configuration provider: the first launch.json, F5 without launch.json, the Restricted
 * Mode gate on every session (a launch runs the program; an attach runs the target's interpreter
 * and a compiler for the offsets probe), and the selected interpreter for launches that name none. */
export function registerConfigurationProvider(interpreters: InterpreterSelection): vscode.Disposable {
  return vscode.debug.registerDebugConfigurationProvider('ftpy', {
    provideDebugConfigurations() {
      return [{ type: 'ftpy', request: 'launch', name: 'Free-Threaded Python: Current File', program: '${file}' }];
    },
    resolveDebugConfiguration(_folder, config) {
      const resolved = config.type || config.request || config.name ? config : fileConfiguration();
      // Restricted Mode starts nothing; judged on the configuration as resolved (F5 without launch.json becomes a launch only here).
      return resolved && trusted(resolved.request === 'attach' ? 'attach to processes' : 'start programs') ? resolved : undefined;
    },
    resolveDebugConfigurationWithSubstitutedVariables(_folder, config) {
      if (config.request === 'launch' && config.python === undefined && interpreters.launchPython) config.python = interpreters.launchPython;
      return config;
    },
  });
}
