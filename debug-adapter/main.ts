// `node dist/debug-adapter.js`: the ftpy debug adapter over stdio, or with `--server=PORT`
// on a loopback TCP port (one session per connection), for an adapter started by hand.
import * as net from 'node:net';
import { FtpyDebugSession } from './session';

function serverPort(argv: readonly string[]): number | undefined {
  const option = argv.find((arg) => arg.startsWith('--server='));
  if (!option) return undefined;
  const port = Number(option.slice('--server='.length));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--server wants a port number, not '${option}'`);
  return port;
}

const port = serverPort(process.argv.slice(2));
if (port === undefined) {
  const session = new FtpyDebugSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
} else {
  const server = net.createServer((socket) => {
    const session = new FtpyDebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address() as net.AddressInfo;
    process.stderr.write(`ftpy debug adapter listening on 127.0.0.1:${address.port}\n`);
  });
}
