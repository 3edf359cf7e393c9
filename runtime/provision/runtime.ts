// The embedded runtime: a free-threaded CPython that ftpy builds from CPython's source (Debian's
// source package, or python.org's release tarball) into its per-user cache, once, and reuses
// from then on.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage, UserFacingError } from '../errors';
import { buildProbe } from '../probe/build';
import { ensureBuildTools } from './buildPackages';
import { CommandOutput, runCommand } from './commands';
import { describeSource, downloadCPythonSource, DownloadedSource, RuntimeSource, runtimeSources, sourceKey } from './cpythonSource';
import { ftpyHome } from './home';
import { openPrivateLog } from '../privateLog';
import { describeInterpreter } from './interpreters';
import { withLock } from './lock';

export interface EmbeddedRuntime {
  python: string;
  version: string;
  prefix: string;
  source: RuntimeSource;
  /** The full log of the provisioning that built it. */
  log: string;
  /** gdb's py-bt support from the same source tree (a peer for stack dumps). */
  gdbSupport: string;
  /** The offsets probe's output; absent when the probe could not be built. */
  offsets: string;
}

export type ProvisionPhase = 'download' | 'dependencies' | 'configure' | 'build' | 'install' | 'verify' | 'probe';

export interface ProvisionObserver {
  /** A phase begins. */
  onPhase?(phase: ProvisionPhase, detail: string): void;
  /** Everything the phases' commands print (it also goes to the log file). */
  onOutput?(text: string): void;
}

const MARKER = 'ftpy-runtime.json';
const RUNTIME_FIELDS = ['python', 'version', 'prefix', 'log', 'gdbSupport', 'offsets'] as const;

function indexFile(home: string): string {
  return path.join(home, 'runtimes', 'index.json');
}

/** The embedded runtime of the first of `sources` that is built and verified; never builds.
 * Fast: reads two small files. */
export function readyRuntime(sources: RuntimeSource[] = runtimeSources(), home = ftpyHome()): EmbeddedRuntime | undefined {
  let index: Record<string, string>;
  try {
    index = JSON.parse(fs.readFileSync(indexFile(home), 'utf8')) as Record<string, string>;
  } catch {
    return undefined;
  }
  for (const source of sources) {
    const runtime = verifiedRuntime(index[sourceKey(source)]);
    if (runtime) return runtime;
  }
  return undefined;
}

function verifiedRuntime(prefix: string | undefined): EmbeddedRuntime | undefined {
  if (!prefix) return undefined;
  try {
    const runtime = JSON.parse(fs.readFileSync(path.join(prefix, MARKER), 'utf8')) as Partial<EmbeddedRuntime>;
    // A marker written by an older ftpy lacks fields: that runtime is provisioned again.
    const complete = RUNTIME_FIELDS.every((field) => typeof runtime[field] === 'string');
    return complete && fs.existsSync(runtime.python as string) ? (runtime as EmbeddedRuntime) : undefined;
  } catch {
    return undefined;
  }
}

export interface ProvisionOptions {
  /** Install missing build tools with the machine's package manager (only as root). */
  installBuildTools?: boolean;
}

/** Returns the embedded runtime, building it first if needed. Safe to call from several
 * processes at once: one builds, the others wait for it and reuse its result. */
export async function ensureRuntime(
  observer: ProvisionObserver = {},
  sources: RuntimeSource[] = runtimeSources(),
  home = ftpyHome(),
  options: ProvisionOptions = {},
): Promise<EmbeddedRuntime> {
  const ready = readyRuntime(sources, home);
  if (ready) return ready;
  const lockDir = path.join(home, 'locks', 'runtime');
  return withLock(
    lockDir,
    () => observer.onOutput?.('Another process is provisioning the embedded runtime; waiting for it.\n'),
    async () => readyRuntime(sources, home) ?? (await provision(sources, home, observer, options)),
  );
}

async function provision(sources: RuntimeSource[], home: string, observer: ProvisionObserver, options: ProvisionOptions): Promise<EmbeddedRuntime> {
  const first = sources[0];
  const name = first.kind === 'debian' ? `${first.suite}-${first.spec}` : `python.org-${first.version}`;
  const { path: log, fd: logFd } = openPrivateLog(path.join(home, 'logs'), `provision-${name.replace(/[^\w.+-]/g, '_')}.log`);
  const output: CommandOutput = {
    write(text) {
      fs.writeSync(logFd, text);
      observer.onOutput?.(text);
    },
  };
  const phase = (name: ProvisionPhase, detail: string) => {
    output.write(`\n=== ${name}: ${detail}\n`);
    observer.onPhase?.(name, detail);
  };
  let buildDir: string | undefined;
  let prefix: string | undefined;
  try {
    const { source, downloaded } = await downloadFirst(sources, home, output, phase);
    // Debian's and python.org's builds of one release live apart: rebuilding one never pulls the other from under a session.
    prefix = path.join(home, 'runtimes', `cpython-${downloaded.upstreamVersion}t${source.kind === 'python.org' ? '-python.org' : ''}`);

    phase('dependencies', 'checking the tools and libraries the build needs');
    await ensureBuildTools(output, options.installBuildTools ?? false);

    phase('configure', `CPython ${downloaded.upstreamVersion} with --disable-gil`);
    buildDir = fs.mkdtempSync(path.join(home, 'build-'));
    await runCommand('tar', ['-xf', downloaded.tarball, '-C', buildDir, '--strip-components=1'], { output });
    // Never leave a half-installed runtime where a ready one is expected: clear it first,
    // and write the marker only after verification.
    fs.rmSync(prefix, { recursive: true, force: true });
    const env = compilerEnvironment(buildDir, output);
    await runCommand('./configure', ['--disable-gil', `--prefix=${prefix}`, '--with-ensurepip=no'], { cwd: buildDir, output, env });

    phase('build', `make -j${os.availableParallelism()} (a few minutes)`);
    await runCommand('make', [`-j${os.availableParallelism()}`], { cwd: buildDir, output, env });

    phase('install', prefix);
    await runCommand('make', ['install'], { cwd: buildDir, output });
    const gdbSupport = path.join(prefix, 'share', 'ftpy', 'libpython.py');
    fs.mkdirSync(path.dirname(gdbSupport), { recursive: true });
    fs.copyFileSync(path.join(buildDir, 'Tools', 'gdb', 'libpython.py'), gdbSupport);

    phase('verify', 'free-threaded build, GIL off under -X gil=0');
    const python = path.join(prefix, 'bin', `python${downloaded.upstreamVersion.split('.').slice(0, 2).join('.')}t`);
    await verify(python, output);

    phase('probe', 'runtime offsets for the memory reader');
    const offsets = path.join(prefix, 'offsets.json');
    try {
      await buildProbe(python, offsets);
    } catch (error) {
      // The runtime is still good: features that need the offsets say so when used.
      output.write(`${errorMessage(error)}\n`);
    }

    const runtime: EmbeddedRuntime = { python, version: downloaded.upstreamVersion, prefix, source, log, gdbSupport, offsets };
    fs.writeFileSync(path.join(prefix, MARKER), JSON.stringify(runtime, null, 2));
    recordInIndex(home, sourceKey(source), prefix);
    output.write(`\nReady: ${python}\n`);
    return runtime;
  } catch (error) {
    output.write(`\nFAILED: ${errorMessage(error)}\n`);
    // A prefix without its marker is a half-installed runtime: it goes too.
    if (prefix && !fs.existsSync(path.join(prefix, MARKER))) fs.rmSync(prefix, { recursive: true, force: true });
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(`Provisioning the embedded runtime failed: ${errorMessage(error)}\nFull log: ${log}`, 'openLog');
  } finally {
    fs.closeSync(logFd);
    if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

/** With ccache installed, its compiler links (Debian's /usr/lib/ccache, Fedora's /usr/lib64/ccache)
 * go first on PATH: a rebuild of the same source compiles from the cache, and the runtime still
 * records the plain compiler's name for the extensions it builds later. Each build has a folder
 * of its own, so paths are hashed relative to it. */
function compilerEnvironment(buildDir: string, output: CommandOutput): NodeJS.ProcessEnv {
  const links = ['/usr/lib/ccache', '/usr/lib64/ccache'].find((dir) => fs.existsSync(path.join(dir, 'gcc')));
  if (!links) return process.env;
  output.write(`Compiling through ccache (${links})\n`);
  return { ...process.env, PATH: `${links}${path.delimiter}${process.env.PATH ?? ''}`, CCACHE_BASEDIR: buildDir, CCACHE_NOHASHDIR: 'true' };
}

/** The first source that can be had, in order: each one that cannot says why in the log
 * before the next is tried; the last one's failure is the provisioning's. */
async function downloadFirst(
  sources: RuntimeSource[],
  home: string,
  output: CommandOutput,
  phase: (name: ProvisionPhase, detail: string) => void,
): Promise<{ source: RuntimeSource; downloaded: DownloadedSource }> {
  for (const [position, source] of sources.entries()) {
    phase('download', `CPython source from ${describeSource(source)}`);
    try {
      return { source, downloaded: await downloadCPythonSource(home, source, output) };
    } catch (error) {
      if (position === sources.length - 1) throw error;
      output.write(`\n${describeSource(source)} is unavailable here; trying the next source. Why:\n${errorMessage(error)}\n`);
    }
  }
  throw new Error('no CPython source to provision from');
}

async function verify(python: string, output: CommandOutput): Promise<void> {
  const info = await describeInterpreter(python);
  const gilOff = (await runCommand(python, ['-X', 'gil=0', '-c', 'import sys; print(sys._is_gil_enabled())'], { output })).trim();
  output.write(`version ${info.version}, Py_GIL_DISABLED=${info.freeThreaded}, GIL enabled under -X gil=0: ${gilOff}\n`);
  if (!info.freeThreaded || gilOff !== 'False') {
    throw new Error(`the built interpreter ${python} is not free-threaded (Py_GIL_DISABLED=${info.freeThreaded}, GIL under -X gil=0: ${gilOff})`);
  }
}

function recordInIndex(home: string, key: string, prefix: string): void {
  let index: Record<string, string> = {};
  try {
    index = JSON.parse(fs.readFileSync(indexFile(home), 'utf8'));
  } catch {
    // first runtime
  }
  index[key] = prefix;
  const temporary = `${indexFile(home)}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(index, null, 2));
  fs.renameSync(temporary, indexFile(home));
}
