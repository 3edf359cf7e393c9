// ftpy's language server (LSP over stdio or Node IPC: `node dist/language-server.js --stdio`):
// diagnostics on imports that would re-enable the GIL, and each line's bytecode on hover.
// The interpreter and Workspace Trust come from the client, in initializationOptions
// and later through workspace/didChangeConfiguration (settings: { python, trusted }).
import { fileURLToPath } from 'node:url';
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { errorMessage } from '../runtime/errors';
import { GilImportChecker } from '../runtime/gilimports/imports';
import { readyRuntime } from '../runtime/provision/runtime';
import { BytecodeHovers } from './bytecodeHover';
import { gilDiagnostics } from './gilDiagnostics';

/** What the client tells the server; `python` defaults to the embedded runtime. */
export interface ServerSettings {
  python?: string;
  trusted?: boolean;
}

const DEBOUNCE_MS = 600;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const checker = new GilImportChecker();
const hovers = new BytecodeHovers();
const pending = new Map<string, NodeJS.Timeout>();
let settings: ServerSettings = {};
let workspaceFolders: string[] = [];
let reportedProblem: string | undefined;

function python(): string | undefined {
  return settings.python || readyRuntime()?.python;
}

function filePath(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

/** One message per distinct problem, not one per keystroke. */
function reportOnce(message: string): void {
  if (reportedProblem === message) return;
  reportedProblem = message;
  void connection.window.showWarningMessage(message);
}

async function validate(document: TextDocument): Promise<void> {
  const file = filePath(document.uri);
  const interpreter = python();
  if (!file) return;
  if (!settings.trusted) {
    // Restricted Mode starts no interpreter: no checks until the workspace is trusted.
    await connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    return;
  }
  if (!interpreter) {
    reportOnce('ftpy: no free-threaded interpreter to check imports with: install the embedded runtime or select an interpreter.');
    return;
  }
  try {
    const version = document.version;
    const context = { python: interpreter, trusted: settings.trusted ?? false, workspaceFolders };
    const diagnostics = await gilDiagnostics(file, document.getText(), context, checker);
    if (documents.get(document.uri)?.version === version) await connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
  } catch (error) {
    reportOnce(`ftpy: cannot check the imports of ${file}: ${errorMessage(error)}`);
  }
}

function schedule(document: TextDocument, delayMs: number): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      void validate(document);
    }, delayMs),
  );
}

connection.onInitialize((params) => {
  settings = (params.initializationOptions ?? {}) as ServerSettings;
  workspaceFolders = (params.workspaceFolders ?? []).flatMap((folder) => filePath(folder.uri) ?? []);
  return { capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: true }, hoverProvider: true } };
});

connection.onDidChangeConfiguration((change) => {
  settings = { ...settings, ...((change.settings ?? {}) as ServerSettings) };
  reportedProblem = undefined;
  for (const document of documents.all()) schedule(document, 0);
});

documents.onDidOpen(({ document }) => schedule(document, 0));
documents.onDidChangeContent(({ document }) => schedule(document, DEBOUNCE_MS));
documents.onDidSave(({ document }) => schedule(document, 0));
documents.onDidClose(({ document }) => {
  clearTimeout(pending.get(document.uri));
  pending.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
});

connection.onHover(async ({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  const file = document && filePath(document.uri);
  const interpreter = python();
  if (!document || !file || !interpreter || !settings.trusted) return null; // Restricted Mode: no interpreter
  try {
    return await hovers.hover(interpreter, document, file, position.line);
  } catch (error) {
    connection.console.error(`bytecode hover: ${errorMessage(error)}`);
    return null;
  }
});

documents.listen(connection);
connection.listen();
