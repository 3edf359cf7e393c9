// The editor features of free-threaded Python: the language client (GIL-re-enabling
// imports, bytecode hover) and the "Show Bytecode" documents.
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { readyRuntime } from '../runtime/provision/runtime';
import { registerBytecodeDocuments } from './bytecodeDocument';
import { RuntimeService } from './runtimeService';

export function activateLanguageFeatures(context: vscode.ExtensionContext, runtimes: RuntimeService, log: vscode.LogOutputChannel): void {
  registerBytecodeDocuments(context, runtimes);
  startLanguageClient(context, log);
}

/** The server (dist/language-server.js) over Node IPC. It is told the interpreter (until one
 * is selected: the embedded runtime, which the server also falls back to) and Workspace Trust:
 * untrusted, it imports nothing from the workspace. */
function startLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const module = context.asAbsolutePath('dist/language-server.js');
  const server = { module, transport: TransportKind.ipc };
  const client = new LanguageClient(
    'ftpy',
    'Free-Threaded Python',
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: 'file', language: 'python' }],
      initializationOptions: { python: readyRuntime()?.python, trusted: vscode.workspace.isTrusted },
      outputChannel: log,
    },
  );
  context.subscriptions.push(
    client,
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { trusted: true } })),
  );
  client.start().catch((error: unknown) => log.error(`the language server did not start: ${String(error)}`));
}
