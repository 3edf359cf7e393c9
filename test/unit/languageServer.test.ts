// The built language server (dist/language-server.js) driven over stdio as an editor would:
// diagnostics on the imports that re-enable the GIL, following Workspace Trust, and hover.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  MarkupContent,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver/node';
import { distPath, fixtures } from '../support/cli';
import { marker } from '../support/markers';
import { buildNeedsGil } from '../support/needsGil';
import { testPython } from '../support/runtime';

suite('language server over stdio', () => {
  let workdir: string;
  let calls: string;
  let spy: string;
  let file: string;
  let server: ChildProcess;
  let connection: ProtocolConnection;
  const published: PublishDiagnosticsParams[] = [];
  let onPublished: () => void = () => undefined;

  /** The next diagnostics published for `uri` after `count` were. */
  async function diagnosticsAfter(uri: string, count: number): Promise<PublishDiagnosticsParams> {
    for (;;) {
      const found = published.filter((params) => params.uri === uri)[count];
      if (found) return found;
      await new Promise<void>((resolve) => (onPublished = resolve));
    }
  }

  suiteSetup(async () => {
    const python = testPython();
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-language-server-'));
    buildNeedsGil(python, workdir);
    for (const name of ['gil_imports.py', 'wraps_needs_gil.py']) fs.copyFileSync(path.join(fixtures, name), path.join(workdir, name));
    file = path.join(workdir, 'gil_imports.py');
    // The server's interpreter notes each start, so the test sees whether one started at all.
    calls = path.join(workdir, 'interpreter-starts');
    spy = path.join(workdir, 'python3.13t');
    fs.writeFileSync(spy, `#!/bin/sh\necho "$@" >> '${calls}'\nexec '${python}' "$@"\n`, { mode: 0o755 });
    server = spawn(process.execPath, [distPath('language-server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createProtocolConnection(
      new StreamMessageReader(server.stdout as NodeJS.ReadableStream),
      new StreamMessageWriter(server.stdin as NodeJS.WritableStream),
    );
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      published.push(params);
      onPublished();
    });
    connection.listen();
    const workspace = pathToFileURL(workdir).href;
    const initialized = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: workspace,
      capabilities: {},
      workspaceFolders: [{ uri: workspace, name: 'work' }],
      initializationOptions: { python: spy, trusted: false },
    });
    assert.equal(initialized.capabilities.hoverProvider, true);
    await connection.sendNotification(InitializedNotification.type, {});
  });

  suiteTeardown(async () => {
    if (connection && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
      await connection.sendNotification(ExitNotification.type).catch(() => undefined);
      const stuck = setTimeout(() => server.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(stuck);
    }
    connection?.dispose();
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  test('untrusted: no interpreter starts (no import is checked, no hover compiles); trusted: both imports that re-enable the GIL are flagged', async () => {
    const uri = pathToFileURL(file).href;
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(file, 'utf8') },
    });
    assert.deepEqual((await diagnosticsAfter(uri, 0)).diagnostics, []);
    assert.equal(await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: marker(file, 'hover') - 1, character: 4 } }), null);
    assert.ok(!fs.existsSync(path.join(workdir, 'imported')), 'untrusted: the workspace module was not imported');
    assert.ok(!fs.existsSync(calls), 'untrusted: no interpreter started');

    await connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { trusted: true } });
    const { diagnostics } = await diagnosticsAfter(uri, 1);
    assert.deepEqual(
      diagnostics.map((diagnostic) => [diagnostic.range.start.line + 1, diagnostic.code]),
      [
        [marker(file, 'needs_gil'), 'gil-import'],
        [marker(file, 'indirect'), 'gil-import'],
      ],
    );
    assert.match(diagnostics[0].message, /'needs_gil' does not declare that it can run without the GIL/);
  });

  test("hover on a line shows that line's bytecode", async () => {
    const uri = pathToFileURL(file).href;
    const line = marker(file, 'hover');
    const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: line - 1, character: 4 } });
    const value = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(value, new RegExp(`^Bytecode of line ${line}\\n\\n\`\`\`ftpy-bytecode\\ncode twice `));
    assert.match(value, /LOAD_GLOBAL +\d+ \(wrapped \+ NULL\)/);
    assert.match(value, /BINARY_OP +\d+ \(\*\)/);
    const blank = await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } });
    assert.equal(blank, null, 'a comment line has no bytecode');
  });
});
