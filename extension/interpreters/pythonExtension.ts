// The interpreters VS Code's Python extension knows, through its published environments API,
// when that extension is installed (an optional dependency: without it, none).
import * as vscode from 'vscode';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/** The part of the Python extension's API ftpy reads (its `environments` API, as published). */
interface PythonExtensionApi {
  environments?: {
    known: readonly { path: string; executable?: { uri?: vscode.Uri } }[];
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
  };
}

/** The Python extension's selected interpreter for `folder`, then every environment it knows;
 * empty when it is not installed or its API fails (said in the log). */
export async function pythonExtensionInterpreters(folder: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<string[]> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!extension) return [];
  try {
    const environments = (extension.isActive ? extension.exports : await extension.activate())?.environments;
    if (!environments) return [];
    const known = environments.known.map((environment) => environment.executable?.uri?.fsPath ?? environment.path);
    return [...new Set([environments.getActiveEnvironmentPath(folder).path, ...known])];
  } catch (error) {
    log.warn(`the Python extension's environments could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
