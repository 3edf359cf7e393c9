// The editor features of free-threaded Python: the language client (GIL-re-enabling
// imports, bytecode hover) and the "Show Bytecode" documents.
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { registerBytecodeDocuments } from './bytecodeDocument';
import type { InterpreterSelection } from '../interpreters/interpreters';
import { RuntimeService } from '../interpreters/runtimeService';

export function activateLanguageFeatures(
  context: vscode.ExtensionContext,
  runtimes: RuntimeService,
  interpreters: InterpreterSelection,
  log: vscode.LogOutputChannel,
): void {
  registerBytecodeDocuments(context, runtimes, () => interpreters.python);
  startLanguageClient(context, interpreters, log);
}

/** The server (dist/language-server.js) over Node IPC. It is told the selected interpreter (the
 * embedded runtime when none is, which the server also falls back to) whenever it changes, and
 * Workspace Trust: untrusted, it imports nothing from the workspace. */
function startLanguageClient(context: vscode.ExtensionContext, interpreters: InterpreterSelection, log: vscode.LogOutputChannel): void {
  const python = () => interpreters.launchPython;
  const module = context.asAbsolutePath('dist/language-server.js');
  const server = { module, transport: TransportKind.ipc };
  const client = new LanguageClient(
    'ftpy',
    'Free-Threaded Python',
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: 'file', language: 'python' }],
      initializationOptions: { python: python(), trusted: vscode.workspace.isTrusted },
      outputChannel: log,
    },
  );
  context.subscriptions.push(
    client,
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { trusted: true } })),
    interpreters.onDidChange(() => void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { python: python() } })),
  );
  client.start().catch((error: unknown) => log.error(`the language server did not start: ${String(error)}`));
}
