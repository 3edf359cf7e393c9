// debugpy, the peer the benchmarks measure ftpy against: Debian's python3-debugpy package,
// fetched with apt's own client from the machine's own archive (private sources list and
// state, so the system's apt is untouched) and unpacked into ftpy's cache. It is pure
// Python, so PYTHONPATH puts it on any interpreter, the free-threaded one included.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fetchInto, privateAptGet } from '../../runtime/provision/privateApt';
import { CommandFailed, CommandOutput, runCommand } from '../../runtime/provision/commands';
import { ftpyHome } from '../../runtime/provision/home';
import { withLock } from '../../runtime/provision/lock';

export interface DebugpyPeer {
  version: string;
  /** The folder to put on PYTHONPATH. */
  pythonPath: string;
}

const PACKAGE = 'python3-debugpy';
const DEB_FILE = /^python3-debugpy_([^_]+)_\w+\.deb$/;

/** The suite to take debugpy from: $FTPY_DEBUGPY_SUITE, default trixie (1.8.12); sid has 1.8.20. */
export function debugpySuite(env: NodeJS.ProcessEnv = process.env): string {
  return env.FTPY_DEBUGPY_SUITE || 'trixie';
}

/** debugpy unpacked in the cache, downloading it the first time (one process at a time). */
export async function ensureDebugpy(output: CommandOutput, suite = debugpySuite(), home = ftpyHome()): Promise<DebugpyPeer> {
  const peers = path.join(home, 'peers');
  const waiting = () => output.write('Another process is fetching debugpy; waiting for it.\n');
  return (
    findUnpacked(peers, suite) ??
    withLock(path.join(home, 'locks', 'peer-debugpy'), waiting, async () => findUnpacked(peers, suite) ?? (await fetchDebugpy(peers, suite, home, output)))
  );
}

async function fetchDebugpy(peers: string, suite: string, home: string, output: CommandOutput): Promise<DebugpyPeer> {
  const deb = await downloadDeb(path.join(home, 'apt', `${suite}-binary`), suite, output);
  const version = debianToUpstream(DEB_FILE.exec(path.basename(deb))?.[1] ?? 'unknown');
  const target = path.join(peers, `debugpy-${version}`);
  fs.mkdirSync(peers, { recursive: true });
  const staging = fs.mkdtempSync(path.join(peers, '.unpack-'));
  try {
    await runCommand('dpkg', ['-x', deb, staging], { output });
    fs.writeFileSync(path.join(staging, 'suite'), `${suite}\n`);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const peer = unpacked(target, version);
  if (!peer) throw new Error(`${path.basename(deb)} holds no debugpy package under usr/lib/python3/dist-packages`);
  return peer;
}

/** Byte-compiles the peer for `python`, as Debian's postinst would have (dpkg -x runs no
 * scripts): without it every session would compile pydevd from source again, because the
 * environment may forbid writing bytecode (PYTHONDONTWRITEBYTECODE). Quick when done already. */
export async function compileDebugpy(peer: DebugpyPeer, python: string, output: CommandOutput): Promise<void> {
  await runCommand(python, ['-m', 'compileall', '-q', path.join(peer.pythonPath, 'debugpy')], { output });
}

function findUnpacked(peers: string, suite: string): DebugpyPeer | undefined {
  let names: string[] = [];
  try {
    names = fs.readdirSync(peers);
  } catch {
    return undefined;
  }
  for (const name of names) {
    const match = /^debugpy-(.+)$/.exec(name);
    if (!match) continue;
    const dir = path.join(peers, name);
    const fromSuite = fs.existsSync(path.join(dir, 'suite')) && fs.readFileSync(path.join(dir, 'suite'), 'utf8').trim() === suite;
    const peer = fromSuite ? unpacked(dir, match[1]) : undefined;
    if (peer) return peer;
  }
  return undefined;
}

function unpacked(dir: string, version: string): DebugpyPeer | undefined {
  const pythonPath = path.join(dir, 'usr', 'lib', 'python3', 'dist-packages');
  return fs.existsSync(path.join(pythonPath, 'debugpy', '__init__.py')) ? { version, pythonPath } : undefined;
}

/** "1.8.12+ds-2" → "1.8.12". */
function debianToUpstream(version: string): string {
  return version.replace(/^\d+%3a/, '').replace(/[+~-].*$/, '');
}

async function downloadDeb(aptDir: string, suite: string, output: CommandOutput): Promise<string> {
  const failed = (step: string) => (error: unknown) => {
    const code = error instanceof CommandFailed ? ` (exit code ${error.exitCode})` : '';
    throw new Error(`apt-get ${step} failed for suite "${suite}"${code}; FTPY_DEBUGPY_SUITE chooses the suite (trixie or sid)`);
  };
  const aptGet = await privateAptGet(aptDir, 'deb', suite, output).catch(failed('update'));
  const deb = await fetchInto(path.join(aptDir, 'downloads'), DEB_FILE, (cwd) => aptGet(['download', PACKAGE], cwd).catch(failed('download')));
  if (!deb) throw new Error(`apt-get download ${PACKAGE} (suite ${suite}) brought no ${PACKAGE}_*.deb`);
  return deb;
}
