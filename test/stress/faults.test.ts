// The debuggee dies or breaks under the debugger: the session ends (or, deadlocked, stays
// inspectable) with a clear message, no process is left behind, and the adapter exits cleanly.
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fault } from '../support/figures';
import { AdapterProcess } from '../support/adapterProcess';
import { defined, evaluate, fixture, isAlive, launchArgs, launchWithBreakpoints, marker, Stops, topFrames } from '../support/dap';

const program = fixture('dap_faults.py');

/** Milliseconds since `start` (a process.hrtime.bigint()). */
function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function waitUntilGone(pids: number[]): Promise<void> {
  for (let waited = 0; waited < 5000 && pids.some(isAlive); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(pids.filter(isAlive), [], 'no process left behind');
}

suite('DAP: faults of the debuggee', () => {
  let adapter: AdapterProcess;
  let pids: number[];
  setup(() => {
    adapter = new AdapterProcess();
    pids = [];
  });
  teardown(async () => {
    await adapter.stop();
    for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
  });

  /** Launches the fixture with `fault`, stopped at @bp:ready; the debuggee's pid is kept for teardown. */
  async function stoppedAtReady(name: string, more: { lines?: string[]; filters?: string[] } = {}) {
    const client = adapter.client;
    const stops = new Stops(client);
    let console = '';
    client.on('output', (event: DebugProtocol.OutputEvent) => {
      if (event.body.category === 'console') console += event.body.output;
    });
    const exited = client.waitForEvent('exited', 30_000).then((event) => (event as DebugProtocol.ExitedEvent).body.exitCode);
    const terminated = client.waitForEvent('terminated', 30_000);
    const lines = ['ready', ...(more.lines ?? [])].map((name) => marker(program, name));
    await launchWithBreakpoints(client, launchArgs(program, { args: [name] }), [{ path: program, lines }], more.filters ?? []);
    const stop = await stops.expect('breakpoint');
    const threadId = defined(stop.body.threadId, 'a thread');
    const frame = defined((await topFrames(client, threadId))[0], 'a frame');
    const pid = Number(await evaluate(client, frame.id, 'pid'));
    pids.push(pid);
    return { client, stops, threadId, pid, exited, terminated, console: () => console };
  }

  /** The session ended: terminated came, the process is gone, and the adapter exits by itself (code 0) on disconnect. */
  async function endsCleanly(run: { terminated: Promise<unknown> }, start: bigint): Promise<number> {
    await run.terminated;
    const endedAfter = since(start);
    await waitUntilGone(pids);
    assert.deepEqual(await adapter.stop(), { code: 0, signal: null }, `the adapter exits by itself; stderr: ${adapter.stderr}`);
    return endedAfter;
  }

  /** Continues from @bp:ready to the program's exit with `code`; the session must end cleanly (how long it took, in ms). */
  async function continuedToExit(name: string, code: number) {
    const run = await stoppedAtReady(name);
    const start = process.hrtime.bigint();
    await run.client.continueRequest({ threadId: run.threadId });
    assert.equal(await run.exited, code);
    return { run, ms: await endsCleanly(run, start) };
  }

  test('a segfault (ctypes): exit code 139 and a message naming SIGSEGV', () =>
    fault(async () => {
      const { run, ms } = await continuedToExit('segfault', 139);
      assert.match(run.console(), /The program crashed: SIGSEGV \(segmentation fault\)/);
      return ms;
    }));

  test('os._exit(3): exit code 3, said in the console', () =>
    fault(async () => {
      const { run, ms } = await continuedToExit('os_exit', 3);
      assert.match(run.console(), /The program exited with code 3/);
      return ms;
    }));

  test("a daemon thread holds the agent's channel at exit (as one stopped mid-send would): the program still exits", () =>
    fault(async () => (await continuedToExit('exit_holding_channel', 0)).ms));

  test('SIGKILL while stopped at a breakpoint', () =>
    fault(async () => {
      const run = await stoppedAtReady('sleep');
      const start = process.hrtime.bigint();
      process.kill(run.pid, 'SIGKILL');
      assert.equal(await run.exited, 137);
      const ms = await endsCleanly(run, start);
      assert.match(run.console(), /The program was ended by SIGKILL/);
      return ms;
    }));

  test('SIGKILL while running', () =>
    fault(async () => {
      const run = await stoppedAtReady('sleep');
      await run.client.continueRequest({ threadId: run.threadId });
      const start = process.hrtime.bigint();
      process.kill(run.pid, 'SIGKILL');
      assert.equal(await run.exited, 137);
      return endsCleanly(run, start);
    }));

  test('fork: the child runs undebugged through a breakpoint line, the parent stops as before', () =>
    fault(async () => {
      const run = await stoppedAtReady('fork', { lines: ['in_child', 'after_fork'] });
      let output = '';
      run.client.on('output', (event: DebugProtocol.OutputEvent) => (output += event.body.output));
      await run.client.continueRequest({ threadId: run.threadId });
      const stop = await run.stops.expect('breakpoint');
      assert.equal(stop.body.threadId, run.threadId, 'the stop is the parent main thread');
      const top = defined((await topFrames(run.client, run.threadId))[0], 'a frame');
      assert.equal(top.line, marker(program, 'after_fork'));
      await run.client.continueRequest({ threadId: run.threadId });
      const start = process.hrtime.bigint();
      assert.equal(await run.exited, 0);
      assert.match(output, /child exited 5\n/);
      assert.equal(run.stops.all.length, 2, 'no stop from the child');
      return endsCleanly(run, start);
    }));

  test('the program closes its stdout: the session goes on until it exits', () =>
    fault(async () => {
      const run = await stoppedAtReady('close_stdout', { lines: ['after_close'] });
      let output = '';
      run.client.on('output', (event: DebugProtocol.OutputEvent) => (output += event.body.output));
      await run.client.continueRequest({ threadId: run.threadId });
      await run.stops.expect('breakpoint');
      await run.client.continueRequest({ threadId: run.threadId });
      const start = process.hrtime.bigint();
      assert.equal(await run.exited, 0);
      const ms = await endsCleanly(run, start);
      assert.match(output, /stderr still works\n/);
      return ms;
    }));

  test('a worker exhausts its recursion limit: an uncaught-exception stop, then the program goes on', () =>
    fault(async () => {
      const run = await stoppedAtReady('recursion', { filters: ['uncaught'] });
      let output = '';
      run.client.on('output', (event: DebugProtocol.OutputEvent) => (output += event.body.output));
      await run.client.continueRequest({ threadId: run.threadId });
      const stop = await run.stops.expect('exception');
      assert.match(stop.body.text ?? '', /RecursionError/);
      const trace = await run.client.stackTraceRequest({ threadId: defined(stop.body.threadId, 'a thread'), startFrame: 0, levels: 20 });
      assert.equal(trace.body.stackFrames[0]?.name, 'deep');
      assert.ok((trace.body.totalFrames ?? 0) > 500, `${trace.body.totalFrames} frames`);
      await run.client.continueRequest({ threadId: defined(stop.body.threadId, 'a thread') });
      const start = process.hrtime.bigint();
      assert.equal(await run.exited, 0);
      assert.match(output, /main survived\n/);
      return endsCleanly(run, start);
    }));

  test('every thread deadlocked: the deadlock stops the session with them all blocked, terminate ends it', () =>
    fault(async () => {
      const run = await stoppedAtReady('deadlock');
      await run.client.continueRequest({ threadId: run.threadId });
      await run.stops.expect('deadlock');
      const threads = (await run.client.threadsRequest()).body.threads;
      assert.equal(threads.length, 2);
      for (const thread of threads) {
        const frames = await topFrames(run.client, thread.id);
        assert.match(defined(frames[0], 'a label').name, /blocked outside Python/);
        assert.deepEqual([frames[1]?.name, frames[1]?.line], ['cross', marker(program, 'deadlocked')]);
      }
      const start = process.hrtime.bigint();
      await run.client.terminateRequest({});
      return endsCleanly(run, start);
    }));

  test('the adapter is killed while the program runs: the agent ends the program', () =>
    fault(async () => {
      const run = await stoppedAtReady('busy');
      await run.client.continueRequest({ threadId: run.threadId });
      const start = process.hrtime.bigint();
      process.kill(adapter.pid, 'SIGKILL');
      await waitUntilGone(pids);
      return since(start);
    }));
});
