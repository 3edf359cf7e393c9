import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { FTPY_EVENTS, FTPY_REQUESTS } from '../../debug-adapter/protocol';
import { AgentListener } from '../../runtime/debuggee/agentChannel';
import { testPython } from '../support/runtime';
import { AdapterProcess } from '../support/adapterProcess';
import { RawClient, SocketDebugClient, startAdapterServer } from '../support/rawClient';
import { inetSockets, isLoopback, listeningUnixSockets } from '../support/sockets';
import { adapterPath, defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, Stops, topFrames } from '../support/dap';

function connect(socketPath: string, firstLine: string): Promise<'closed'> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath, () => socket.write(firstLine + '\n'));
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => undefined);
  });
}

suite('the private channel and the server mode', () => {
  test('the agent socket is private and accepts only the one-time token, once', async () => {
    const refusals: string[] = [];
    const listener = new AgentListener((message) => refusals.push(message));
    await listener.listen();
    try {
      assert.equal(fs.statSync(path.dirname(listener.socketPath)).mode & 0o777, 0o700);
      assert.match(listener.token, /^[0-9a-f]{64}$/);
      const accepted = listener.accept();
      assert.equal(await connect(listener.socketPath, JSON.stringify({ type: 'hello', token: 'f'.repeat(64) })), 'closed');
      assert.equal(await connect(listener.socketPath, 'not json'), 'closed');
      const good = net.createConnection(listener.socketPath, () => good.write(JSON.stringify({ type: 'hello', token: listener.token }) + '\n'));
      const channel = await accepted;
      assert.equal(await connect(listener.socketPath, JSON.stringify({ type: 'hello', token: listener.token })), 'closed');
      assert.equal(refusals.length, 3);
      channel.close();
    } finally {
      listener.close();
    }
  });

  test('--server serves DAP on a Unix socket in a 0700 directory, and nowhere else', async () => {
    const { server, socketPath } = await startAdapterServer();
    const socket = net.createConnection(socketPath);
    try {
      assert.equal(fs.statSync(path.dirname(socketPath)).mode & 0o777, 0o700);
      assert.deepEqual(
        inetSockets(defined(server.pid, 'the server pid')).filter((open) => open.listening),
        [],
        'no TCP port',
      );
      await new Promise((resolve) => socket.once('connect', resolve));
      const client = new SocketDebugClient(socket);
      const program = fixture('dap_conditions.py');
      const stops = new Stops(client);
      await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'loop')] }]);
      const stop = await stops.expect('breakpoint');
      assert.ok(defined(stop.body.threadId, 'a thread') > 0);
      await client.disconnectRequest({ terminateDebuggee: true });
    } finally {
      socket.destroy();
      server.kill();
    }
    await new Promise((resolve) => server.once('exit', resolve));
    assert.ok(!fs.existsSync(socketPath), 'the socket is removed when the adapter ends');
  });

  test('--server with a port: one line that says what to do, exit code 2', () => {
    const result = spawnSync(process.execPath, [adapterPath(), '--server=4711'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^ftpy: --server takes no port: the adapter listens on a Unix socket only you can reach\.\nusage: /);
  });

  test('an HTTP request to the server is closed unanswered, and requests before initialize get an error each and run nothing', async () => {
    const { server, socketPath } = await startAdapterServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-unauthenticated-'));
    const marker = path.join(dir, 'ran');
    const launch = { code: `open(${JSON.stringify(marker)}, "w").write("x")`, python: testPython() };
    try {
      const http = net.createConnection(socketPath);
      const body = JSON.stringify({ seq: 1, type: 'request', command: 'launch', arguments: launch });
      http.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      let answered = '';
      http.on('data', (data: Buffer) => (answered += data.toString()));
      await new Promise((resolve) => http.on('close', resolve));
      assert.equal(answered, '', 'no answer to an HTTP request');

      const socket = net.createConnection(socketPath);
      const client = new RawClient(socket);
      try {
        for (const [command, args] of [
          ['launch', launch],
          ['configurationDone', {}],
          ['threads', {}],
        ] as const) {
          const response = await client.request(command, args);
          assert.equal(response.success, false, command);
          assert.equal(response.message, `'${command}' before 'initialize': a DAP client starts with 'initialize'.`);
        }
        const initialized = await client.request('initialize', { adapterID: 'ftpy', pathFormat: 'path' });
        assert.equal(initialized.success, true, initialized.message);
      } finally {
        socket.destroy();
      }
      assert.ok(!fs.existsSync(marker), 'the code never ran');
    } finally {
      server.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

suite('the private channel: what a session exposes', () => {
  test('no socket beyond loopback and no listening Unix socket, in the adapter or the debuggee; the token reaches no child', async () => {
    const adapter = new AdapterProcess();
    try {
      const client = adapter.client;
      const stops = new Stops(client);
      let output = '';
      client.on('output', (event: DebugProtocol.OutputEvent) => (output += event.body.output));
      const program = fixture('dap_conditions.py');
      await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'loop')] }]);
      const threadId = defined((await stops.expect('breakpoint')).body.threadId, 'a thread');
      const frame = defined((await topFrames(client, threadId))[0], 'a frame');
      const pid = Number(await evaluate(client, frame.id, '__import__("os").getpid()'));
      for (const owner of [adapter.pid, pid]) {
        assert.deepEqual(
          inetSockets(owner).filter((socket) => socket.listening && !isLoopback(socket)),
          [],
          `process ${owner}`,
        );
        assert.deepEqual(listeningUnixSockets(owner), [], `process ${owner}: the agent socket is closed once the agent is in`);
      }
      // A child started through the C environment (os.system), not only through os.environ.
      await client.evaluateRequest({ expression: '__import__("os").system("echo token=[$FTPY_AGENT_TOKEN]")', frameId: frame.id, context: 'repl' });
      await client.continueRequest({ threadId });
      await stops.expect('breakpoint');
      assert.match(output, /token=\[\]\n/);
    } finally {
      await adapter.stop();
    }
  });

  test('a read-only attach opens /proc/PID/mem read-only', async () => {
    const target = spawn(testPython(), ['-c', 'import time; print("ready", flush=True); time.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const adapter = new AdapterProcess();
    try {
      await new Promise((resolve) => target.stdout.once('data', resolve));
      await adapter.client.initializeRequest();
      await adapter.client.attachRequest({ processId: target.pid } as DebugProtocol.AttachRequestArguments);
      const fds = memoryDescriptors(adapter.pid, defined(target.pid, 'pid'));
      assert.ok(fds.length > 0, `the adapter holds /proc/${target.pid}/mem open`);
      for (const fd of fds) {
        // The access mode is the low two bits of the open flags (O_ACCMODE): O_RDONLY, never O_RDWR or O_WRONLY.
        const flags = parseInt(defined(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/${adapter.pid}/fdinfo/${fd}`, 'utf8'))?.[1], 'flags'), 8);
        assert.equal(flags & 0o3, fs.constants.O_RDONLY, `fd ${fd} flags ${flags.toString(8)}`);
      }
    } finally {
      await adapter.stop();
      target.kill('SIGKILL');
    }
  });

  test("a launch session opens the program's memory once: samples, locks, snapshots and threads share one reader", async () => {
    const program = fixture('dap_runtime.py');
    const adapter = new AdapterProcess();
    try {
      const client = adapter.client;
      const sampled = client.waitForEvent(FTPY_EVENTS.runtimeSample);
      const stops = new Stops(client);
      await launchWithBreakpoints(client, launchArgs(program, { trackLocks: false }), [{ path: program, lines: [marker(program, 'stop')] }]);
      await client.customRequest(FTPY_REQUESTS.runtimeSampling, { on: true });
      await sampled; // the sampler reads the memory
      const stop = await stops.expect('breakpoint');
      await client.customRequest(FTPY_REQUESTS.locks, {});
      await client.customRequest(FTPY_REQUESTS.runtimeSnapshot, {});
      await client.threadsRequest();
      const frame = defined((await topFrames(client, defined(stop.body.threadId, 'thread')))[0], 'a frame');
      const pid = Number(await evaluate(client, frame.id, "__import__('os').getpid()"));
      assert.equal(memoryDescriptors(adapter.pid, pid).length, 1, `the adapter's descriptors of /proc/${pid}/mem`);
      await client.terminateRequest();
    } finally {
      await adapter.stop();
    }
  });
});

/** The adapter's open descriptors of /proc/TARGET/mem. */
function memoryDescriptors(adapterPid: number, targetPid: number): string[] {
  const mem = `/proc/${targetPid}/mem`;
  return fs.readdirSync(`/proc/${adapterPid}/fd`).filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/${adapterPid}/fd/${fd}`) === mem;
    } catch {
      return false;
    }
  });
}
