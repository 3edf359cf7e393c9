// The agent's protocol fuzzed from the adapter's side: this test takes the adapter's place on the
// private socket and sends thousands of random lines (garbage, wrong shapes, known commands
// with random arguments, real thread ids and handles) while threads stop and run. Every
// request with an id gets one response, the program stays alive, and the agent still serves.
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { debuggeeCommand } from '../../runtime/debuggee/debuggee';
import { fixture, isAlive, marker } from '../support/dap';
import { figures } from '../support/figures';
import { prng } from '../support/prng';
import { testPython } from '../support/runtime';

const CASES = 3000;
const program = fixture('stress_forever.py');
const COMMANDS = [
  'setBreakpoints',
  'setExceptionBreakpoints',
  'setFunctionBreakpoints',
  'source',
  'completions',
  'configurationDone',
  'threads',
  'stackTrace',
  'scopes',
  'variables',
  'evaluate',
  'setVariable',
  'setExpression',
  'exceptionInfo',
  'continue',
  'next',
  'stepIn',
  'stepOut',
  'pause',
  'noSuchCommand',
];
const KEYS = [
  'threadId',
  'frameId',
  'variablesReference',
  'sourceReference',
  'startFrame',
  'levels',
  'start',
  'count',
  'expression',
  'context',
  'path',
  'breakpoints',
  'filters',
  'name',
  'value',
  'text',
  'column',
  'singleThread',
];

/** One side of the agent's JSON lines protocol, in the adapter's place. */
class FakeAdapter {
  private buffered = '';
  private readonly answered = new Map<number, number>();
  private waiter?: () => void;
  threadIds: number[] = [];

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let end: number;
      while ((end = this.buffered.indexOf('\n')) >= 0) {
        const message = JSON.parse(this.buffered.slice(0, end)) as { type: string; id?: number; event?: string; body?: { threadId?: number } };
        this.buffered = this.buffered.slice(end + 1);
        if (message.type === 'response' && typeof message.id === 'number') this.answered.set(message.id, (this.answered.get(message.id) ?? 0) + 1);
        const threadId = message.body?.threadId;
        if (message.event === 'stopped' && threadId !== undefined && !this.threadIds.includes(threadId)) this.threadIds.push(threadId);
        this.waiter?.();
      }
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** Waits until every id in `ids` was answered, or `timeoutMs` passed; returns the unanswered ones. */
  async unanswered(ids: number[], timeoutMs: number): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = ids.filter((id) => !this.answered.has(id));
      if (missing.length === 0 || Date.now() > deadline) return missing;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

function randomValue(random: () => number, threadIds: number[], depth = 0): unknown {
  const pick = <T>(choices: T[]): T => choices[Math.floor(random() * choices.length)] as T;
  switch (Math.floor(random() * 10)) {
    case 0:
      return pick([0, 1, 2, 3, 7, 50, 200, -1, 2 ** 31, 2 ** 53, 1e300, 0.5, NaN]);
    case 1:
      return pick(threadIds.length ? threadIds : [1]);
    case 2:
      return pick([
        '',
        'x',
        '1+1',
        'count',
        'index',
        '(',
        '\u0000',
        'é'.repeat(100),
        'x'.repeat(10_000),
        'import os',
        'raise ValueError("fuzz")',
        '__import__("gc").collect()',
      ]);
    case 3:
      return pick([program, '/nonexistent.py', '/', '/etc/passwd', 'relative.py']);
    case 4:
      return pick([null, true, false]);
    case 5:
      return depth > 2 ? [] : Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, threadIds, depth + 1));
    case 6:
      return depth > 2 ? {} : { line: pick([1, marker(program, 'loop'), 10 ** 9, -5, 'x']), condition: pick([undefined, 'count % 7 == 0', '(', 'raise']) };
    case 7:
      return pick(['raised', 'uncaught', 'userUnhandled', 'nonsense']);
    default:
      return Math.floor(random() * 300);
  }
}

/** A fuzz line, and the id it must be answered under (undefined when it is not a request). */
function fuzzLine(random: () => number, id: number, threadIds: number[]): [string, number | undefined] {
  const roll = random();
  if (roll < 0.05) return [['garbage', '{', '[1,2]', '42', 'null', '"text"', '{"type":"request"}', ''][Math.floor(random() * 8)] as string, undefined];
  const command = COMMANDS[Math.floor(random() * COMMANDS.length)] as string;
  const args: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 5); i > 0; i--) args[KEYS[Math.floor(random() * KEYS.length)] as string] = randomValue(random, threadIds);
  const request: Record<string, unknown> = { type: 'request', id, command, arguments: roll < 0.1 ? randomValue(random, threadIds) : args };
  return [JSON.stringify(request), id];
}

suite('stress: the agent protocol, fuzzed from the adapter side', () => {
  let child: ChildProcess | undefined;
  let dir: string;
  setup(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-fuzz-'))));
  teardown(() => {
    if (child?.pid && isAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test(`${CASES} random lines while threads stop and run`, async () => {
    const socketPath = path.join(dir, 'agent.sock');
    const token = 'f'.repeat(64);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const connected = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const spec = {
      python: testPython(),
      gil: 'off' as const,
      cwd: dir,
      env: process.env,
      args: [],
      options: { program, stopAll: true, justMyCode: true, stopOnEntry: false, showReturnValue: true, trackLocks: false },
    };
    const command = debuggeeCommand(spec, socketPath, token);
    child = spawn(spec.python, command.args, { env: { ...command.env, FTPY_EVALUATE_TIMEOUT: '1' }, stdio: 'ignore', detached: true });
    const pid = defined(child.pid);
    const adapter = new FakeAdapter(await connected);
    server.close();
    let nextId = 1;
    const request = (command: string, args: object) => adapter.send(JSON.stringify({ type: 'request', id: nextId++, command, arguments: args }));
    request('setBreakpoints', { path: program, breakpoints: [{ line: marker(program, 'loop') }] });
    request('configurationDone', {});

    const random = prng(0xfa22);
    const ids: number[] = [];
    let crashes = 0;
    for (let i = 0; i < CASES; i++) {
      const [line, id] = fuzzLine(random, nextId++, adapter.threadIds);
      adapter.send(line);
      if (id !== undefined) ids.push(id);
      figures.fuzzCases++;
      if (i % 100 === 99) {
        // In batches: answers may wait for a thread to park or an evaluation to be interrupted.
        const missing = await adapter.unanswered(ids.splice(0), 10_000);
        if (missing.length > 0 || !isAlive(pid)) crashes++;
        assert.deepEqual(missing, [], `requests never answered (seed 0xfa22, case ${i})`);
        assert.ok(isAlive(pid), `the program died at case ${i}`);
      }
    }
    figures.fuzzCrashes += crashes;
    const last = nextId;
    request('threads', {});
    assert.deepEqual(await adapter.unanswered([last], 10_000), [], 'the agent still serves');
  });
});

function defined<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the program did not start');
  return value;
}
