import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AgentListener } from '../../runtime/debuggee/agentChannel';
import { testPython } from '../support/runtime';
import { AdapterProcess } from './adapterProcess';
import { inetSockets, isLoopback, listeningUnixSockets } from './sockets';
import { adapterPath, defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, Stops, topFrames } from './support';

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

  test('the adapter serves DAP on a loopback port with --server', async () => {
    const server = spawn(process.execPath, [adapterPath(), '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        server.stderr.on('data', (data: Buffer) => {
          const match = /listening on 127\.0\.0\.1:(\d+)/.exec(data.toString());
          if (match) resolve(Number(match[1]));
        });
        server.on('exit', () => reject(new Error('the adapter exited')));
      });
      const client = new DebugClient('node', '', 'ftpy');
      await client.start(port);
      const program = fixture('dap_conditions.py');
      const stops = new Stops(client);
      await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [marker(program, 'loop')] }]);
      const stop = await stops.expect('breakpoint');
      assert.ok(defined(stop.body.threadId, 'a thread') > 0);
      await client.stop();
    } finally {
      server.kill();
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
        assert.deepEqual(inetSockets(owner).filter((socket) => socket.listening && !isLoopback(socket)), [], `process ${owner}`);
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

  test('--server listens on loopback only', async () => {
    const server = spawn(process.execPath, [adapterPath(), '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      await new Promise((resolve) => server.stderr.once('data', resolve));
      const sockets = inetSockets(defined(server.pid, 'the server pid'));
      assert.ok(sockets.some((socket) => socket.listening));
      assert.deepEqual(sockets.filter((socket) => !isLoopback(socket)), []);
    } finally {
      server.kill();
    }
  });

  test('a read-only attach opens /proc/PID/mem read-only', async () => {
    const target = spawn(testPython(), ['-c', 'import time; print("ready", flush=True); time.sleep(60)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const adapter = new AdapterProcess();
    try {
      await new Promise((resolve) => target.stdout.once('data', resolve));
      await adapter.client.initializeRequest();
      await adapter.client.attachRequest({ processId: target.pid } as DebugProtocol.AttachRequestArguments);
      const mem = `/proc/${target.pid}/mem`;
      const fds = fs.readdirSync(`/proc/${adapter.pid}/fd`).filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/${adapter.pid}/fd/${fd}`) === mem;
        } catch {
          return false;
        }
      });
      assert.ok(fds.length > 0, `the adapter holds ${mem} open`);
      for (const fd of fds) {
        // The access mode is the low two bits of the open flags (O_ACCMODE): O_RDONLY, never O_RDWR or O_WRONLY.
        const flags = parseInt(defined(/flags:\s+(\d+)/.exec(fs.readFileSync(`/proc/${adapter.pid}/fdinfo/${fd}`, 'utf8'))?.[1], 'flags'), 8);
        assert.equal(flags & 0o3, fs.constants.O_RDONLY,  `fd ${fd} flags ${flags.toString(8)}`);
      }
    } finally {
      await adapter.stop();
      target.kill('SIGKILL');
    }
  });
});
