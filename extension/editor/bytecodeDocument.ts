// "Show Bytecode": a read-only document (scheme ftpy-bytecode, language ftpy-bytecode) with
// the bytecode of a Python file or of the function at the cursor, refreshed on save.
import * as vscode from 'vscode';
import { compileSource } from '../../runtime/bytecode/compile';
import { formatListing, listModule } from '../../runtime/bytecode/listing';
import { errorMessage } from '../../runtime/errors';
import { RuntimeService } from '../interpreters/runtimeService';
import { trusted } from '../trust';

const SCHEME = 'ftpy-bytecode';

/** The source file and, for one function, a line inside it; kept in the query, while the
 * path only gives the tab its title (file.py.bytecode, file.py:12.bytecode). */
function bytecodeUri(source: vscode.Uri, line?: number): vscode.Uri {
  const query = new URLSearchParams({ file: source.fsPath, ...(line ? { line: String(line) } : {}) });
  return vscode.Uri.from({ scheme: SCHEME, path: `${source.path}${line ? `:${line}` : ''}.bytecode`, query: query.toString() });
}

function sourceOf(uri: vscode.Uri): { file: string; line?: number } {
  const query = new URLSearchParams(uri.query);
  const line = Number(query.get('line'));
  return { file: query.get('file') ?? '', ...(line ? { line } : {}) };
}

class BytecodeProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly runtimes: RuntimeService,
    /** The interpreter selected for the workspace; the embedded runtime when none is. */
    private readonly selected: () => string | undefined,
  ) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { file, line } = sourceOf(uri);
    if (!trusted('compile files to show their bytecode'))
      return `# No bytecode for ${file}: Restricted Mode starts no interpreter. Trust the workspace to see it.\n`;
    try {
      // The editor's text when the file is open (what the user sees), else the saved file.
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const source = document.getText();
      const module = await compileSource(this.selected() ?? (await this.runtimes.get()).python, file, source);
      return formatListing(module, listModule(module, line), source);
    } catch (error) {
      void this.runtimes.showFailure(error);
      return `# No bytecode for ${file}: ${errorMessage(error)}\n`;
    }
  }

  /** Listings of `file` that are open get recompiled. */
  refresh(file: string): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === SCHEME && sourceOf(document.uri).file === file) this.changed.fire(document.uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

async function showBytecode(uri: vscode.Uri | undefined, atCursor: boolean): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const source = uri ?? editor?.document.uri;
  if (!source || source.scheme !== 'file') {
    void vscode.window.showErrorMessage('Show Bytecode works on a Python file saved on disk: open or save one first.');
    return;
  }
  const line = atCursor && editor?.document.uri.toString() === source.toString() ? editor.selection.active.line + 1 : undefined;
  const document = await vscode.workspace.openTextDocument(bytecodeUri(source, line));
  await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}

export function registerBytecodeDocuments(context: vscode.ExtensionContext, runtimes: RuntimeService, selected: () => string | undefined): void {
  const provider = new BytecodeProvider(runtimes, selected);
  context.subscriptions.push(
    provider,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.workspace.onDidSaveTextDocument((document) => provider.refresh(document.uri.fsPath)),
    vscode.commands.registerCommand('ftpy.showBytecode', (uri?: vscode.Uri) => showBytecode(uri, false)),
    vscode.commands.registerCommand('ftpy.showFunctionBytecode', (uri?: vscode.Uri) => showBytecode(uri, true)),
  );
}
