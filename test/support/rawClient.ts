// A bare DAP client over a socket, and the adapter in server mode it talks to: for what
// DebugClient cannot do (answer runInTerminal, send requests out of order or bytes that are not DAP).
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterPath } from './dap';

/** `node dist/debug-adapter.js --server`, once it printed the path of its socket. */
export async function startAdapterServer(): Promise<{ server: ChildProcess; socketPath: string }> {
  const server = spawn(process.execPath, [adapterPath(), '--server'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const socketPath = await new Promise<string>((resolve, reject) => {
    let printed = '';
    server.stderr.on('data', (data: Buffer) => {
      printed += data.toString();
      const match = /listening on (\/\S+)/.exec(printed);
      if (match?.[1]) resolve(match[1]);
    });
    server.on('exit', (code) => reject(new Error(`the adapter exited (${code}): ${printed}`)));
  });
  return { server, socketPath };
}

/** A bare DAP client that also answers the adapter's runInTerminal request. */
export class RawClient {
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
      if (message.type === 'request' && (message as DebugProtocol.Request).command === 'runInTerminal')
        this.runInTerminal(message as DebugProtocol.RunInTerminalRequest);
      for (const waiter of this.waiting.filter((candidate) => candidate.match(message))) {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  /** Plays the client's terminal: runs the command with the requested environment added. */
  private runInTerminal(request: DebugProtocol.RunInTerminalRequest): void {
    const [command, ...args] = request.arguments.args;
    const env = Object.fromEntries(
      Object.entries({ ...process.env, ...request.arguments.env }).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    this.terminal = spawn(command ?? '', args, { cwd: request.arguments.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.terminal.stdout?.on('data', (data: Buffer) => (this.terminalOutput += data.toString()));
    this.send({ seq: this.seq++, type: 'response', request_seq: request.seq, command: 'runInTerminal', success: true, body: { processId: this.terminal.pid } });
  }
}

/** DebugClient over a socket to the adapter's server mode (DebugClient.start knows TCP only). */
export class SocketDebugClient extends DebugClient {
  constructor(socket: net.Socket) {
    super('node', '', 'ftpy');
    this.connect(socket, socket);
  }
}
