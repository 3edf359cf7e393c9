// The adapter's end of the private channel to the agent: a Unix domain socket in a fresh 0700
// directory, one client only, which must open with the one-time token (CodeLLDB-style reverse
// connection). JSON lines both ways; see runtime/agent/protocol.ts.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentCommand, AgentCommands, AgentEvent, AgentMessage, AgentRequest } from '../agent/protocol';
import { AgentThreads } from './agentThreads';

/** A request the agent refused; its message is written for the user. */
export class AgentError extends Error {}

export class AgentListener {
  readonly token = randomBytes(32).toString('hex');
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-agent-'));
  readonly socketPath = path.join(this.dir, 'agent.sock');
  private readonly server = net.createServer();
  private accepted = false;

  constructor(private readonly log: (message: string) => void) {
    fs.chmodSync(this.dir, 0o700);
  }

  /** Starts listening; resolves once the socket exists. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => resolve());
    });
  }

  /** The agent's connection, once it has presented the token. Others are refused and logged. */
  accept(): Promise<AgentChannel> {
    return new Promise((resolve) => {
      this.server.on('connection', (socket) => {
        if (this.accepted) {
          this.log('Refused a second connection to the agent socket.');
          socket.destroy();
          return;
        }
        readFirstLine(socket, (line) => {
          let hello: AgentMessage | undefined;
          try {
            hello = JSON.parse(line) as AgentMessage;
          } catch {
            // refused below
          }
          if (this.accepted || hello?.type !== 'hello' || hello.token !== this.token) {
            this.log('Refused a connection to the agent socket: wrong or missing token.');
            socket.destroy();
            return;
          }
          this.accepted = true;
          resolve(new AgentChannel(socket, hello.pid, new AgentThreads(hello.agentThreads)));
        });
      });
    });
  }

  close(): void {
    this.server.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function readFirstLine(socket: net.Socket, then: (line: string) => void): void {
  let buffered = '';
  const onData = (data: Buffer) => {
    buffered += data.toString('utf8');
    const end = buffered.indexOf('\n');
    if (end < 0) return;
    socket.off('data', onData);
    socket.pause();
    const rest = buffered.slice(end + 1);
    if (rest) socket.unshift(Buffer.from(rest, 'utf8'));
    then(buffered.slice(0, end));
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

interface Pending {
  resolve(body: unknown): void;
  reject(error: Error): void;
}

export class AgentChannel extends EventEmitter<{ event: [AgentEvent]; close: [] }> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    /** The debuggee's process id, as its agent reported it. */
    readonly pid: number,
    /** The agent's own threads, as they report themselves. */
    readonly agentThreads: AgentThreads,
  ) {
    super();
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        let message: AgentMessage;
        try {
          message = JSON.parse(line) as AgentMessage;
        } catch {
          continue; // not a message (the program wrote to the socket?): the session goes on without it
        }
        this.receive(message);
      }
    });
    socket.on('close', () => this.onClose());
    socket.on('error', () => socket.destroy());
    socket.resume();
  }

  request<C extends AgentCommand>(command: C, args: AgentCommands[C][0]): Promise<AgentCommands[C][1]> {
    if (this.closed) return Promise.reject(new AgentError('The program is no longer running.'));
    const request: AgentRequest<C> = { type: 'request', id: this.nextId++, command, arguments: args };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve: resolve as (body: unknown) => void, reject });
      this.socket.write(JSON.stringify(request) + '\n');
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(message: AgentMessage): void {
    if (message.type === 'event' && message.event === 'agentThread') {
      this.agentThreads.add(message.body);
    } else if (message.type === 'event') {
      this.emit('event', message);
    } else if (message.type === 'response') {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) pending?.resolve(message.body);
      else pending?.reject(new AgentError(message.message));
    }
  }

  private onClose(): void {
    this.closed = true;
    for (const pending of this.pending.values()) pending.reject(new AgentError('The program is no longer running.'));
    this.pending.clear();
    this.emit('close');
  }
}
