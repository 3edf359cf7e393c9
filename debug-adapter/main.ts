// `node dist/debug-adapter.js`: the ftpy debug adapter over stdio, or with `--server` on a Unix
// socket in a fresh 0700 directory (one session per connection), for an adapter started by hand.
// Only its user can connect; it prints the socket's path (FTPY_DEBUG_SERVER=PATH for the
// extension). A connection that does not open with a DAP header (an HTTP request, say) is closed.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FtpyDebugSession } from './session';

const USAGE = 'usage: node dist/debug-adapter.js [--server]   (--server: listen on a private Unix socket and print its path)';

function serverMode(argv: string[]): boolean {
  try {
    return parseArgs({ args: argv, options: { server: { type: 'boolean', default: false } } }).values.server;
  } catch {
    const port = argv.some((arg) => arg.startsWith('--server='));
    process.stderr.write(`${port ? 'ftpy: --server takes no port: the adapter listens on a Unix socket only you can reach.\n' : ''}${USAGE}\n`);
    process.exit(2);
  }
}

function serve(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-adapter-'));
  fs.chmodSync(dir, 0o700);
  const socketPath = path.join(dir, 'dap.sock');
  const server = net.createServer((socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause(); // nothing is lost between this look and the session's reader
      if (!/^content-length:/i.test(first.toString('latin1'))) {
        socket.destroy(); // not DAP
        return;
      }
      socket.unshift(first);
      const session = new FtpyDebugSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
      socket.resume();
    });
  });
  const removeSocket = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeSocket);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.exit(128 + os.constants.signals[signal]));
  server.listen(socketPath, () => process.stderr.write(`ftpy debug adapter listening on ${socketPath}\n`));
}

if (serverMode(process.argv.slice(2))) serve();
else {
  const session = new FtpyDebugSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}
