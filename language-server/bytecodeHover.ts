// Hover on a line: the bytecode compiled from it (from the document's current text).
import { Hover, MarkupKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compileSource } from '../runtime/bytecode/compile';
import { CodeListing, formatLine, listModule } from '../runtime/bytecode/listing';

/** Compiles each document version once, on the first hover that needs it. */
export class BytecodeHovers {
  private compiled: { uri: string; version: number; python: string; listings: Promise<CodeListing[]> } | undefined;

  async hover(python: string, document: TextDocument, file: string, line: number): Promise<Hover | null> {
    const { uri, version } = document;
    if (this.compiled?.uri !== uri || this.compiled.version !== version || this.compiled.python !== python) {
      const listings = compileSource(python, file, document.getText()).then((module) => listModule(module));
      this.compiled = { uri, version, python, listings };
    }
    const text = formatLine(await this.compiled.listings, line + 1);
    if (!text) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: `Bytecode of line ${line + 1}\n\n\`\`\`ftpy-bytecode\n${text}\n\`\`\`` },
    };
  }
}
