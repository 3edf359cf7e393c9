// The embedded runtime: a free-threaded CPython that ftpy builds from Debian's source package
// of python3.13 into its per-user cache, once, and reuses from then on.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorMessage, UserFacingError } from '../errors';
import { buildProbe } from '../probe/build';
import { ensureBuildPackages } from './buildPackages';
import { CommandOutput, runCommand } from './commands';
import { downloadCPythonSource, SourceRequest, sourceRequest } from './cpythonSource';
import { ftpyHome } from './home';
import { openPrivateLog } from '../privateLog';
import { describeInterpreter } from './interpreters';
import { withLock } from './lock';

export interface EmbeddedRuntime {
  python: string;
  version: string;
  prefix: string;
  source: SourceRequest;
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

function sourceKey(source: SourceRequest): string {
  return `${source.suite}/${source.spec}`;
}

function indexFile(home: string): string {
  return path.join(home, 'runtimes', 'index.json');
}

/** The embedded runtime if it is built and verified; never builds. Fast: reads two small files. */
export function readyRuntime(source: SourceRequest = sourceRequest(), home = ftpyHome()): EmbeddedRuntime | undefined {
  try {
    const index = JSON.parse(fs.readFileSync(indexFile(home), 'utf8')) as Record<string, string>;
    const prefix = index[sourceKey(source)];
    if (!prefix) return undefined;
    const runtime = JSON.parse(fs.readFileSync(path.join(prefix, MARKER), 'utf8')) as Partial<EmbeddedRuntime>;
    // A marker written by an older ftpy lacks fields: that runtime is provisioned again.
    const complete = RUNTIME_FIELDS.every((field) => typeof runtime[field] === 'string');
    return complete && fs.existsSync(runtime.python as string) ? (runtime as EmbeddedRuntime) : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the embedded runtime, building it first if needed. Safe to call from several
 * processes at once: one builds, the others wait for it and reuse its result. */
export async function ensureRuntime(observer: ProvisionObserver = {}, source: SourceRequest = sourceRequest(), home = ftpyHome()): Promise<EmbeddedRuntime> {
  const ready = readyRuntime(source, home);
  if (ready) return ready;
  const lockDir = path.join(home, 'locks', 'runtime');
  return withLock(
    lockDir,
    () => observer.onOutput?.('Another process is provisioning the embedded runtime; waiting for it.\n'),
    async () => readyRuntime(source, home) ?? (await provision(source, home, observer)),
  );
}

async function provision(source: SourceRequest, home: string, observer: ProvisionObserver): Promise<EmbeddedRuntime> {
  const { path: log, fd: logFd } = openPrivateLog(path.join(home, 'logs'), `provision-${source.suite}-${source.spec.replace(/[^\w.+-]/g, '_')}.log`);
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
  try {
    phase('download', `CPython source from Debian ${source.suite} (${source.spec})`);
    const downloaded = await downloadCPythonSource(home, source, output);
    const prefix = path.join(home, 'runtimes', `cpython-${downloaded.upstreamVersion}t`);

    phase('dependencies', 'checking the Debian packages the build needs');
    await ensureBuildPackages(output);

    phase('configure', `CPython ${downloaded.upstreamVersion} with --disable-gil`);
    buildDir = fs.mkdtempSync(path.join(home, 'build-'));
    await runCommand('tar', ['-xf', downloaded.tarball, '-C', buildDir, '--strip-components=1'], { output });
    // Never leave a half-installed runtime where a ready one is expected: clear it first,
    // and write the marker only after verification.
    fs.rmSync(prefix, { recursive: true, force: true });
    await runCommand('./configure', ['--disable-gil', `--prefix=${prefix}`, '--with-ensurepip=no'], { cwd: buildDir, output });

    phase('build', `make -j${os.availableParallelism()} (a few minutes)`);
    await runCommand('make', [`-j${os.availableParallelism()}`], { cwd: buildDir, output });

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
    recordInIndex(home, source, prefix);
    output.write(`\nReady: ${python}\n`);
    return runtime;
  } catch (error) {
    output.write(`\nFAILED: ${errorMessage(error)}\n`);
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(`Provisioning the embedded runtime failed: ${errorMessage(error)}\nFull log: ${log}`, 'openLog');
  } finally {
    fs.closeSync(logFd);
    if (buildDir) fs.rmSync(buildDir, { recursive: true, force: true });
  }
}

async function verify(python: string, output: CommandOutput): Promise<void> {
  const info = await describeInterpreter(python);
  const gilOff = (await runCommand(python, ['-X', 'gil=0', '-c', 'import sys; print(sys._is_gil_enabled())'], { output })).trim();
  output.write(`version ${info.version}, Py_GIL_DISABLED=${info.freeThreaded}, GIL enabled under -X gil=0: ${gilOff}\n`);
  if (!info.freeThreaded || gilOff !== 'False') {
    throw new Error(`the built interpreter ${python} is not free-threaded (Py_GIL_DISABLED=${info.freeThreaded}, GIL under -X gil=0: ${gilOff})`);
  }
}

function recordInIndex(home: string, source: SourceRequest, prefix: string): void {
  let index: Record<string, string> = {};
  try {
    index = JSON.parse(fs.readFileSync(indexFile(home), 'utf8'));
  } catch {
    // first runtime
  }
  index[sourceKey(source)] = prefix;
  const temporary = `${indexFile(home)}.${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(index, null, 2));
  fs.renameSync(temporary, indexFile(home));
}
