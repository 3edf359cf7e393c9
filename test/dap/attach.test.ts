import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_EVENTS, FTPY_REQUESTS, RuntimeSampleEventBody, RuntimeSnapshotResponseBody } from '../../debug-adapter/protocol';
import { copyForAnyUser } from '../support/anyUser';
import { testPython, testPythonVersion } from '../support/runtime';
import { adapterPath, defined, fixture, isAlive, marker, startClient } from '../support/dap';

const program = fixture('attach_parked.py');

interface Reported {
  name: string;
  native_id: number;
  frames: { function: string; file: string; line: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(done: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Runs `command` until it prints a line; the line (or undefined with `expectLine` false after `ms`). */
function startProcess(command: string, args: string[], expectLine: boolean): Promise<{ child: ChildProcess; line?: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  if (!expectLine) return new Promise((resolve, reject) => child.once('spawn', () => resolve({ child })).once('error', reject));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve({ child, line: stdout.slice(0, end) });
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before reporting: ${stderr}`)));
    child.once('error', reject);
  });
}

const children: ChildProcess[] = [];

/** The fixture with its threads parked, and what it reports about itself (its reporter thread gone). */
async function startParked(...args: 'busy'[]): Promise<{ pid: number; threads: Reported[] }> {
  const { child, line } = await startProcess(testPython(), ['-X', 'gil=0', program, ...args], true);
  const report = JSON.parse(defined(line, 'a report')) as { reporter_native_id: number; threads: Reported[] };
  await waitUntil(() => !fs.existsSync(`/proc/${child.pid}/task/${report.reporter_native_id}`), 'the reporter thread to exit');
  return { pid: defined(child.pid, 'a pid'), threads: report.threads };
}

async function attach(client: DebugClient, args: object): Promise<void> {
  await client.initializeRequest();
  await Promise.all([client.waitForEvent('initialized'), client.attachRequest(args as DebugProtocol.AttachRequestArguments)]);
}

/** The message of the failed response `request` must get. */
async function failure(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the request succeeded');
}

suite('DAP: read-only attach', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(async () => {
    await client.stop();
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  test('threads, pause and stacks come from memory; breakpoints stay unverified; disconnect leaves the process running', async () => {
    const parked = await startParked();
    const info = client.waitForEvent(FTPY_EVENTS.sessionInfo);
    await attach(client, { processId: String(parked.pid) });
    await client.configurationDoneRequest();
    assert.deepEqual((await info).body, { python: fs.realpathSync(testPython()), version: testPythonVersion(), freeThreaded: true, gilEnabled: false });

    const threads = (await client.threadsRequest()).body.threads;
    assert.deepEqual(threads.map((thread) => thread.name).sort(), ['MainThread (detached)', 'filler-1 (detached)', 'filler-2 (detached)']);
    assert.deepEqual(threads.map((thread) => thread.id).sort(), parked.threads.map((thread) => thread.native_id).sort());

    const [stopped] = await Promise.all([client.waitForEvent('stopped'), client.pauseRequest({ threadId: defined(threads[0], 'a thread').id })]);
    assert.equal(stopped.body.reason, 'pause');
    assert.equal(stopped.body.allThreadsStopped, true);
    assert.match(stopped.body.description, /read-only snapshot.*keeps running/);

    for (const reported of parked.threads) {
      const { stackFrames, totalFrames } = (await client.stackTraceRequest({ threadId: reported.native_id })).body;
      assert.deepEqual(
        stackFrames.map((frame) => ({ function: frame.name, file: frame.source?.path, line: frame.line })),
        reported.frames,
      );
      assert.equal(totalFrames, reported.frames.length);
    }
    const filler = defined(
      parked.threads.find((thread) => thread.name === 'filler-1'),
      'filler-1',
    );
    assert.deepEqual(
      filler.frames.slice(0, 2).map((frame) => frame.line),
      [marker(program, 'filler_sleep'), marker(program, 'fill_call')],
    );
    const main = defined(
      parked.threads.find((thread) => thread.name === 'MainThread'),
      'the main thread',
    );
    assert.deepEqual(
      main.frames.map((frame) => frame.line),
      [marker(program, 'main_sleep')],
    );
    const page = (await client.stackTraceRequest({ threadId: filler.native_id, startFrame: 1, levels: 2 })).body.stackFrames;
    assert.deepEqual(
      page.map((frame) => frame.name),
      filler.frames.slice(1, 3).map((frame) => frame.function),
    );

    const top = defined((await client.stackTraceRequest({ threadId: filler.native_id, levels: 1 })).body.stackFrames[0], 'a top frame');
    assert.deepEqual((await client.scopesRequest({ frameId: top.id })).body.scopes, []);
    assert.match(await failure(client.variablesRequest({ variablesReference: 1 })), /^read-only attach: variables need the agent/);
    assert.match(await failure(client.evaluateRequest({ expression: '1', frameId: top.id })), /^read-only attach: variables need the agent/);

    const placed = (await client.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: marker(program, 'fill_call') }] })).body.breakpoints;
    assert.equal(placed.length, 1);
    assert.equal(placed[0]?.verified, false);
    assert.match(placed[0]?.message ?? '', /^read-only attach/);

    assert.equal((await client.continueRequest({ threadId: filler.native_id })).body.allThreadsContinued, true);
    assert.match(await failure(client.terminateRequest({})), /^read-only attach: ftpy does not end a process it did not start/);
    // The adapter answers a disconnect once it has done all it does for one.
    await client.disconnectRequest({ terminateDebuggee: true });
    assert.ok(isAlive(parked.pid), 'the process outlives the session');
  });

  test('a paused snapshot stays as it was; after continue, threads reads the process afresh', async () => {
    const parked = await startParked();
    await attach(client, { processId: parked.pid });
    const names = async () => (await client.threadsRequest()).body.threads.map((thread) => thread.name).sort();
    await Promise.all([client.waitForEvent('stopped'), client.pauseRequest({ threadId: defined(parked.threads[0], 'a thread').native_id })]);
    process.kill(parked.pid, 'SIGUSR1'); // starts filler-3
    await waitUntil(() => fs.readdirSync(`/proc/${parked.pid}/task`).length === 4, 'filler-3 to start');
    assert.deepEqual(await names(), ['MainThread (detached)', 'filler-1 (detached)', 'filler-2 (detached)']);
    await client.continueRequest({ threadId: defined(parked.threads[0], 'a thread').native_id });
    for (let tries = 0; !(await names()).includes('filler-3 (detached)'); tries++) {
      if (tries > 200) throw new Error(`filler-3 never listed: ${(await names()).join(', ')}`);
      await sleep(50);
    }
  });

  test('pausing again and again while a thread churns: every snapshot answers, parked stacks stay exact', async () => {
    const parked = await startParked('busy');
    await attach(client, { processId: parked.pid });
    const filler = defined(
      parked.threads.find((thread) => thread.name === 'filler-2'),
      'filler-2',
    );
    let churnerFrames = 0;
    for (let round = 0; round < 20; round++) {
      await Promise.all([client.waitForEvent('stopped'), client.pauseRequest({ threadId: filler.native_id })]);
      const threads = (await client.threadsRequest()).body.threads;
      const churner = defined(
        threads.find((thread) => thread.name.startsWith('churner')),
        'the churner',
      );
      churnerFrames += (await client.stackTraceRequest({ threadId: churner.id })).body.stackFrames.length;
      const frames = (await client.stackTraceRequest({ threadId: filler.native_id })).body.stackFrames;
      assert.deepEqual(
        frames.map((frame) => ({ function: frame.name, file: frame.source?.path, line: frame.line })),
        filler.frames,
      );
      await client.continueRequest({ threadId: filler.native_id });
    }
    assert.ok(churnerFrames > 20, `the churner's stacks were read (${churnerFrames} frames in 20 pauses)`);
  });

  test('without the offsets probe, thread states are unknown (and said so) but stacks still work', async () => {
    // An FTPY_HOME that is a file: no embedded runtime's offsets, nowhere to build others.
    const home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-attach-')), 'not-a-folder');
    fs.writeFileSync(home, '');
    await client.stop();
    client = new DebugClient('node', adapterPath(), 'ftpy', { env: { ...process.env, FTPY_HOME: home } }, true);
    client.defaultTimeout = 60_000; // the probe is compiled before its output cannot be stored
    await client.start();
    const output: string[] = [];
    client.on('output', (event: DebugProtocol.OutputEvent) => output.push(event.body.output));
    try {
      const parked = await startParked();
      await attach(client, { processId: parked.pid });
      assert.match(output.join(''), /thread states are unknown: the offsets probe for \S+ could not be built \(/);
      assert.deepEqual((await client.threadsRequest()).body.threads.map((thread) => thread.name).sort(), ['MainThread', 'filler-1', 'filler-2']);
      const filler = defined(
        parked.threads.find((thread) => thread.name === 'filler-1'),
        'filler-1',
      );
      const frames = (await client.stackTraceRequest({ threadId: filler.native_id })).body.stackFrames;
      assert.deepEqual(
        frames.map((frame) => ({ function: frame.name, file: frame.source?.path, line: frame.line })),
        filler.frames,
      );
    } finally {
      fs.rmSync(path.dirname(home), { recursive: true, force: true });
    }
  });

  test('the process exiting ends the session with one message', async () => {
    const parked = await startParked();
    await attach(client, { processId: parked.pid });
    const child = defined(
      children.find((candidate) => candidate.pid === parked.pid),
      'the fixture',
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const [message] = await Promise.all([failure(client.threadsRequest()), client.waitForEvent('terminated')]);
    assert.equal(message, `read-only attach: process ${parked.pid} has exited.`);
  });

  test("the runtime panels' data: samples while attached, a snapshot without a census, no refcount", async () => {
    const parked = await startParked();
    const batches: RuntimeSampleEventBody[] = [];
    client.on(FTPY_EVENTS.runtimeSample, (event: DebugProtocol.Event) => batches.push(event.body as RuntimeSampleEventBody));
    await attach(client, { processId: parked.pid });
    await client.customRequest(FTPY_REQUESTS.runtimeSampling, { on: true });
    await waitUntil(() => batches.some((batch) => batch.samples.length > 0), 'a runtime sample');
    const sample = defined(batches.flatMap((batch) => batch.samples)[0], 'a sample');
    assert.deepEqual(sample.threads.map((thread) => thread.name).sort(), ['MainThread', 'filler-1', 'filler-2']);
    assert.ok(sample.threads.every((thread) => thread.state === 'detached'));
    const snapshot = (await client.customRequest(FTPY_REQUESTS.runtimeSnapshot, {})).body as RuntimeSnapshotResponseBody;
    assert.equal(snapshot.heaps.length, 3);
    assert.equal(snapshot.census, undefined);
    assert.match(snapshot.notes.join('\n'), /No object census: it needs the agent/);
    assert.match(
      await failure(client.customRequest(FTPY_REQUESTS.refcount, { expression: 'x', frameId: 1 })),
      /^read-only attach: "ftpy\/refcount" needs the agent/,
    );
  });

  test('a process id that is missing or not a number: one message saying what to set', async () => {
    assert.match(await failure(attach(client, {})), /^Set "processId" in the attach configuration/);
    assert.match(await failure(client.attachRequest({ processId: 'python' } as DebugProtocol.AttachRequestArguments)), /^"processId" must be a process id/);
    assert.match(await failure(client.attachRequest({ processId: 1.5 } as DebugProtocol.AttachRequestArguments)), /^"processId" must be a process id/);
  });

  test('no such process', async () => {
    const pidMax = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    assert.match(await failure(attach(client, { processId: pidMax + 1 })), new RegExp(`^Cannot attach to process ${pidMax + 1}: no such process`));
  });

  test('not a Python process', async () => {
    const { child } = await startProcess('sleep', ['60'], false);
    assert.match(await failure(attach(client, { processId: child.pid })), /^Cannot attach to process \d+: not a Python process/);
  });

  for (const [version, expected] of [
    ['3.12', /^Cannot attach to process \d+: CPython 3\.12 .* is not supported/],
    ['3.13', /^Cannot attach to process \d+: CPython 3\.13\.\d+ with the GIL .* is not supported/],
  ] as const) {
    test(`an unsupported Python (${version} with the GIL)`, async function () {
      const python = gilPython(version);
      if (!python) return this.skip();
      const { child } = await startProcess(python, ['-c', 'print("ready", flush=True); import time; time.sleep(60)'], true);
      assert.match(await failure(attach(client, { processId: child.pid })), expected);
    });
  }

  test('permission denied names ptrace', async () => {
    if (process.getuid?.() === 0) {
      // Root may read every process: the adapter runs as nobody instead.
      await client.stop();
      client = new DebugClient('node', copyForAnyUser(adapterPath()), 'ftpy', { uid: 65534, gid: 65534 }, true);
      await client.start();
    }
    assert.match(await failure(attach(client, { processId: 1 })), /^Cannot attach to process 1: permission denied .*ptrace/);
  });
});

/** A pyenv CPython `version`.x with the GIL, when installed. */
function gilPython(version: string): string | undefined {
  const root = process.env.PYENV_ROOT ?? path.join(process.env.HOME ?? '/root', '.pyenv');
  const versions = path.join(root, 'versions');
  const found = fs.existsSync(versions) ? fs.readdirSync(versions).find((name) => name.startsWith(`${version}.`)) : undefined;
  return found && path.join(versions, found, 'bin', 'python');
}
