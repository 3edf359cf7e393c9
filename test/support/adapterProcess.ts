// A debug adapter process the test starts itself (DebugClient.start() hides its process), so a
// test can read its pid, its sockets and its memory, and see whether it exits by itself.
import { ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { adapterPath } from './dap';

export interface AdapterExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A DebugClient on streams we provide (connect is protected). */
class StreamClient extends DebugClient {
  constructor(readable: Readable, writable: Writable) {
    super('node', '', 'ftpy');
    this.connect(readable, writable);
  }
}

export class AdapterProcess {
  readonly client: DebugClient;
  /** What the adapter wrote to stderr (an uncaught exception would show here). */
  stderr = '';
  readonly exited: Promise<AdapterExit>;
  private readonly child: ChildProcess;
  private nextRawSeq = 1_000_000;
  private readonly rawPending = new Map<number, (response: DebugProtocol.Response) => void>();

  /** `nodeOptions`: flags for node itself (a heap limit, say). */
  constructor(env: NodeJS.ProcessEnv = {}, nodeOptions: string[] = []) {
    this.child = spawn(process.execPath, [...nodeOptions, adapterPath()], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, FTPY_HANDSHAKE_TIMEOUT_MS: '5000', ...env },
    });
    this.child.stderr?.on('data', (data: Buffer) => (this.stderr += data.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    this.watchRawResponses(this.child.stdout as Readable);
    this.client = new StreamClient(this.child.stdout as Readable, this.child.stdin as Writable);
    this.client.defaultTimeout = 20_000;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Raw bytes to the adapter's stdin (for malformed input). */
  write(data: string | Buffer): void {
    this.child.stdin?.write(data);
  }

  /** Sends `request` (any JSON: arguments of any type) framed as DAP, with its own seq; resolves with the response. */
  rawRequest(request: Record<string, unknown>, timeoutMs = 10_000): Promise<DebugProtocol.Response> {
    const seq = this.nextRawSeq++;
    const body = JSON.stringify({ type: 'request', seq, ...request });
    this.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${body.slice(0, 200)}`)), timeoutMs);
      this.rawPending.set(seq, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  }

  /** Reads the adapter's responses to rawRequest (DebugClient reads the same stream for its own). */
  private watchRawResponses(stdout: Readable): void {
    let buffered = Buffer.alloc(0);
    stdout.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const headerEnd = buffered.indexOf('\r\n\r\n');
        const length = Number(/Content-Length: (\d+)/.exec(buffered.subarray(0, Math.max(headerEnd, 0)).toString())?.[1]);
        if (headerEnd < 0 || buffered.length < headerEnd + 4 + length) return;
        const message = JSON.parse(buffered.subarray(headerEnd + 4, headerEnd + 4 + length).toString()) as DebugProtocol.ProtocolMessage;
        buffered = buffered.subarray(headerEnd + 4 + length);
        if (message.type === 'response') this.rawPending.get((message as DebugProtocol.Response).request_seq)?.(message as DebugProtocol.Response);
      }
    });
  }

  /** Disconnects, closes the adapter's input as a client does, and waits for it to exit by itself
   *  (nothing left running in it); kills it after `graceMs`. */
  async stop(graceMs = 2000): Promise<AdapterExit | 'killed'> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    // An adapter that is dying (killed by the test, not yet reaped) never answers: its exit ends the wait.
    await Promise.race([this.client.disconnectRequest({}).catch(() => undefined), this.exited]);
    this.child.stdin?.end();
    const timer = new Promise<'killed'>((resolve) => setTimeout(() => resolve('killed'), graceMs));
    const outcome = await Promise.race([this.exited, timer]);
    if (outcome === 'killed') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    return outcome;
  }
}
