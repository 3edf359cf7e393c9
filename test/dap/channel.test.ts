import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { AgentListener } from '../../runtime/debuggee/agentChannel';
import { adapterPath, defined, fixture, launchArgs, launchWithBreakpoints, marker, Stops } from './support';

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
