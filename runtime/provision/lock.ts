import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { privateDirectory } from '../privateLog';

/**
 * A lock shared by this user's processes: a listening socket in Linux's abstract namespace. Binding
 * the name is atomic (one process wins, the others get EADDRINUSE) and the kernel lets go of it when
 * its holder exits, however it ends: no lock is ever left behind to take over. The name holds a
 * secret from a 0600 file in the user's 0700 lock folder, so no other user can take or hold it.
 * A waiter connects to the holder and tries again when that connection closes.
 */
export async function withLock<T>(lockPath: string, onWait: () => void, work: () => Promise<T>): Promise<T> {
  const name = `\0ftpy-${process.getuid?.() ?? 0}-${userSecret(path.dirname(lockPath))}-${path.basename(lockPath)}`;
  let waited = false;
  let held: { release(): void } | undefined;
  while (!(held = await bind(name))) {
    if (!waited) onWait();
    waited = true;
    await holderGone(name);
  }
  try {
    return await work();
  } finally {
    held.release();
  }
}

/** The lock, or undefined when another process holds the name. Waiters' connections stay open
 * until the lock is released, which closes them. */
function bind(name: string): Promise<{ release(): void } | undefined> {
  return new Promise((resolve, reject) => {
    const waiters = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      waiters.add(socket);
    });
    const release = () => {
      server.close();
      for (const waiter of waiters) waiter.destroy();
    };
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)));
    server.listen(name, () => resolve({ release }));
  });
}

/** Resolves when the holder of `name` lets go (or is gone already). */
function holderGone(name: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.createConnection(name);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

/** This user's lock secret, made once (written aside, then linked into place: never seen half-written). */
function userSecret(dir: string): string {
  const file = path.join(privateDirectory(dir), 'secret');
  if (!fs.existsSync(file)) {
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(draft, randomBytes(16).toString('hex'), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process made it first
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  return fs.readFileSync(file, 'utf8');
}
