import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterPath, launchArgs } from './support';

/** A bare DAP client that also answers the adapter's runInTerminal request (DebugClient cannot). */
class TerminalClient {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly waiting: { match(message: DebugProtocol.ProtocolMessage): boolean; resolve(message: DebugProtocol.ProtocolMessage): void }[] = [];
  readonly messages: DebugProtocol.ProtocolMessage[] = [];
  terminal?: ChildProcess;
  terminalOutput = '';

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (data: Buffer) => this.receive(data));
  }

  request(command: string, args: object): Promise<DebugProtocol.Response> {
    const seq = this.seq++;
    this.send({ seq, type: 'request', command, arguments: args });
    return this.next((message) => message.type === 'response' && (message as DebugProtocol.Response).request_seq === seq) as Promise<DebugProtocol.Response>;
  }

  event(name: string): Promise<DebugProtocol.Event> {
    return this.next((message) => message.type === 'event' && (message as DebugProtocol.Event).event === name) as Promise<DebugProtocol.Event>;
  }

  private next(match: (message: DebugProtocol.ProtocolMessage) => boolean): Promise<DebugProtocol.ProtocolMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiting.push({ match, resolve }));
  }

  private send(message: object): void {
    const json = JSON.stringify(message);
    this.socket.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString())?.[1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString()) as DebugProtocol.ProtocolMessage;
      this.buffer = this.buffer.subarray(header + 4 + length);
      this.messages.push(message);
      if (message.type === 'request' && (message as DebugProtocol.Request).command === 'runInTerminal') this.runInTerminal(message as DebugProtocol.RunInTerminalRequest);
      for (const waiter of this.waiting.filter((candidate) => candidate.match(message))) {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  /** Plays the client's terminal: runs the command with the requested environment added. */
  private runInTerminal(request: DebugProtocol.RunInTerminalRequest): void {
    const [command, ...args] = request.arguments.args;
    const env = Object.fromEntries(Object.entries({ ...process.env, ...request.arguments.env }).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    this.terminal = spawn(command ?? '', args, { cwd: request.arguments.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.terminal.stdout?.on('data', (data: Buffer) => (this.terminalOutput += data.toString()));
    this.send({ seq: this.seq++, type: 'response', request_seq: request.seq, command: 'runInTerminal', success: true, body: { processId: this.terminal.pid } });
  }
}

suite('DAP: console integratedTerminal', () => {
  test('the program runs in the client terminal; its exit code is reported', async () => {
    const server = spawn(process.execPath, [adapterPath(), '--server=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let socket: net.Socket | undefined;
    let client: TerminalClient | undefined;
    try {
      const port = await new Promise<number>((resolve) => {
        server.stderr.on('data', (data: Buffer) => {
          const match = /listening on 127\.0\.0\.1:(\d+)/.exec(data.toString());
          if (match) resolve(Number(match[1]));
        });
      });
      socket = net.createConnection(port, '127.0.0.1');
      client = new TerminalClient(socket);
      await client.request('initialize', { adapterID: 'ftpy', supportsRunInTerminalRequest: true, linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
      const code = 'import sys, threading\nprint("in the terminal", sys._is_gil_enabled())\nsys.exit(5)\n';
      const launched = await client.request('launch', launchArgs(undefined, { code, console: 'integratedTerminal' }));
      assert.equal(launched.success, true, launched.message);
      await client.event('initialized');
      await client.request('configurationDone', {});
      const exited = await client.event('exited');
      assert.equal(exited.body.exitCode, 5);
      await client.event('terminated');
      assert.match(client.terminalOutput, /in the terminal False/);
    } finally {
      client?.terminal?.kill();
      socket?.destroy();
      server.kill();
    }
  });
});
