// Malformed and out-of-order DAP: every request gets an error response (never a crash), and the
// adapter goes on serving the session.
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { figures } from '../support/figures';
import { AdapterProcess } from '../support/adapterProcess';
import { defined, fixture, launchArgs, launchWithBreakpoints, marker, Stops, topFrames } from '../support/dap';

const program = fixture('dap_conditions.py');

suite('DAP: hostile input', () => {
  let adapter: AdapterProcess;
  setup(() => (adapter = new AdapterProcess()));
  teardown(async () => {
    assert.deepEqual(await adapter.stop(), { code: 0, signal: null }, adapter.stderr);
    assert.doesNotMatch(adapter.stderr, /Error|at /, 'nothing uncaught');
  });

  /** Sends each request; each must fail with a message (counted as fuzz cases; a crash or a success counts as a crash). */
  async function refused(requests: Record<string, unknown>[]): Promise<void> {
    for (const request of requests) {
      figures.fuzzCases++;
      let response: DebugProtocol.Response;
      try {
        response = await adapter.rawRequest(request);
      } catch (error) {
        figures.fuzzCrashes++;
        throw error;
      }
      if (response.success || !response.message) figures.fuzzCrashes++;
      assert.equal(response.success, false, `${JSON.stringify(request).slice(0, 200)} succeeded`);
      assert.ok(response.message, 'an error message');
      assert.doesNotMatch(response.message, /Internal error/, `${JSON.stringify(request).slice(0, 200)}: ${response.message}`);
    }
  }

  async function stillServes(): Promise<void> {
    assert.ok((await adapter.client.threadsRequest()).success);
  }

  test('malformed frames and JSON are dropped, the adapter goes on', async () => {
    await adapter.client.initializeRequest();
    const framed = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const garbage = [
      framed('{"type":,}'),
      framed('null'),
      framed('[]'),
      framed('"hello"'),
      framed('{"type":"request"}'),
      framed('{"type":"response","request_seq":1}'),
      'Content-Length: abc\r\n\r\n',
      'no header at all\r\n\r\n',
    ];
    for (const bytes of garbage) {
      figures.fuzzCases++;
      adapter.write(bytes);
      await stillServes();
    }
  });

  test('requests before launch, wrong argument types, unknown commands', async () => {
    await adapter.client.initializeRequest();
    await refused([
      { command: 'stackTrace', arguments: { threadId: 1 } },
      { command: 'continue', arguments: { threadId: 1 } },
      { command: 'configurationDone' },
      { command: 'evaluate', arguments: { expression: '1', frameId: 1 } },
      { command: 'setBreakpoints' },
      { command: 'setBreakpoints', arguments: { source: 5 } },
      { command: 'setBreakpoints', arguments: 'x' },
      { command: 'noSuchCommand', arguments: {} },
      { command: 'launch', arguments: 'x' },
      { command: 'launch', arguments: { program: 5 } },
      { command: 'launch', arguments: { program, args: 'not a list' } },
      { command: 'launch', arguments: { program, gil: 'maybe' } },
      { command: 'launch', arguments: { program, env: { A: 1 } } },
      { command: 'attach', arguments: { processId: {} } },
      { command: 'initialize', arguments: null },
    ]);
    await stillServes();
  });

  test('wrong arguments while stopped, stale references after continue, a second launch, a huge request', async () => {
    const client = adapter.client;
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'loop')] }]);
    const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
    const frame = defined((await topFrames(client, threadId))[0], 'a frame');
    const locals = defined((await client.scopesRequest({ frameId: frame.id })).body.scopes[0], 'a scope').variablesReference;
    const junk = ['x', -1, 2 ** 60, 1e300, null, {}, [1]];
    await refused([
      ...junk.map((value) => ({ command: 'stackTrace', arguments: { threadId: value } })),
      ...junk.map((value) => ({ command: 'scopes', arguments: { frameId: value } })),
      ...junk.map((value) => ({ command: 'variables', arguments: { variablesReference: value } })),
      ...junk.map((value) => ({ command: 'evaluate', arguments: { expression: value, frameId: frame.id } })),
      ...junk.map((value) => ({ command: 'next', arguments: { threadId: value } })),
      { command: 'stackTrace', arguments: { threadId, startFrame: 'x', levels: -3 } },
      { command: 'setVariable', arguments: { variablesReference: locals, value: '1' } },
      { command: 'setBreakpoints', arguments: { source: { path: program }, breakpoints: 'x' } },
      { command: 'setExceptionBreakpoints', arguments: { filters: 'raised' } },
      { command: 'launch', arguments: launchArgs(program) },
      { command: 'evaluate', arguments: { expression: `len("${'x'.repeat(1 << 20)}"`, frameId: frame.id } },
    ]);
    const huge = await client.evaluateRequest({ expression: `len("${'x'.repeat(1 << 20)}")`, frameId: frame.id, context: 'watch' });
    assert.equal(huge.body.result, String(1 << 20));
    await client.continueRequest({ threadId });
    await stops.expect('breakpoint');
    await refused([
      { command: 'scopes', arguments: { frameId: frame.id } },
      { command: 'variables', arguments: { variablesReference: locals } },
      { command: 'evaluate', arguments: { expression: 'i', frameId: frame.id } },
    ]);
    await stillServes();
  });
});
