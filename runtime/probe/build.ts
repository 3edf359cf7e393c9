// Builds and runs the offsets probe (probe.c) against a target interpreter's
// own headers, and caches its JSON. Done once per interpreter at provisioning.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { errorMessage } from '../errors';
import { packageRoot } from '../packageRoot';
import { describeInterpreter } from '../provision/interpreters';
import { type ProbeOffsets, parseProbeOffsets } from './offsets';
import { onPath, untrustedReason } from './trustedFiles';

const run = promisify(execFile);

/** probe.c, found from the package root so that bundles in dist/ and the .vsix find it too. */
function probeSource(): string {
  return join(packageRoot(), 'runtime', 'probe', 'probe.c');
}

export class ProbeBuildError extends Error {
  constructor(why: string) {
    super(`cannot build the offsets probe: ${why}; features that need runtime internals (locks, GC, eval-breaker) are unavailable`);
    this.name = 'ProbeBuildError';
  }
}

interface Toolchain {
  include: string;
  compiler: string[];
  hexversion: number;
}

/** Compiles probe.c for `python`, runs it, checks its output and writes it to `outFile` atomically. */
export async function buildProbe(python: string, outFile: string, source: string = probeSource()): Promise<ProbeOffsets> {
  if (!existsSync(source)) throw new ProbeBuildError(`its source ${source} is missing from this installation`);
  const toolchain = await findToolchain(python);
  const work = await mkdtemp(join(tmpdir(), 'ftpy-probe-'));
  try {
    const binary = join(work, 'probe');
    const [cc, ...ccArgs] = toolchain.compiler;
    const flags = ['-DPy_BUILD_CORE', `-I${toolchain.include}`, `-I${join(toolchain.include, 'internal')}`];
    await runOrExplain(cc, [...ccArgs, ...flags, source, '-o', binary], `${cc} failed to compile ${source}`);
    const json = await runOrExplain(binary, [], 'the compiled probe failed');
    const offsets = parseOrExplain(json);
    if (offsets.python.hexversion !== toolchain.hexversion) {
      throw new ProbeBuildError(
        `the headers in ${toolchain.include} are for Python ${offsets.python.version}, not for ${python} (hexversion ${toolchain.hexversion.toString(16)})`,
      );
    }
    await writeAtomically(outFile, json);
    return offsets;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Throws unless `file` is ours or root's to run (see trustedFiles.ts). */
function requireTrusted(file: string, what: string): void {
  const why = untrustedReason(file, what);
  if (why) throw new ProbeBuildError(why);
}

async function findToolchain(python: string): Promise<Toolchain> {
  requireTrusted(python, 'the interpreter');
  const config = await describeInterpreter(python).catch((error: unknown) => {
    throw new ProbeBuildError(`${python} could not report its build configuration: ${errorMessage(error)}`);
  });
  if (!config.freeThreaded) throw new ProbeBuildError(`${python} is not a free-threaded build (Py_GIL_DISABLED is not set)`);
  const internal = join(config.include, 'internal', 'pycore_tstate.h');
  if (!existsSync(internal)) {
    throw new ProbeBuildError(`the interpreter's internal headers are missing (no ${internal}); install the runtime with its headers`);
  }
  requireTrusted(config.include, "the interpreter's headers");
  const compiler = await findCompiler(config.compiler);
  const compilerPath = onPath(compiler[0] ?? '');
  if (compilerPath) requireTrusted(compilerPath, 'the compiler');
  return { include: config.include, compiler, hexversion: config.hexversion };
}

// The compiler the interpreter was built with, else the system's `cc`.
async function findCompiler(configured: string): Promise<string[]> {
  const candidates = [configured.split(/\s+/).filter(Boolean), ['cc']].filter((words) => words.length > 0);
  for (const words of candidates) {
    try {
      await run(words[0], ['--version']);
      return words;
    } catch {
      // not installed: try the next one
    }
  }
  throw new ProbeBuildError(`no C compiler found (tried ${candidates.map((words) => words[0]).join(', ')}); install gcc or clang`);
}

async function runOrExplain(file: string, args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run(file, args, { timeout: 120_000, maxBuffer: 16 << 20 });
    return stdout;
  } catch (error) {
    const details = error as { stderr?: string; message: string };
    const said = (details.stderr || details.message).trim().split('\n').slice(0, 5).join(' | ');
    throw new ProbeBuildError(`${what}: ${said}`);
  }
}

function parseOrExplain(json: string): ProbeOffsets {
  try {
    return parseProbeOffsets(json);
  } catch (error) {
    throw new ProbeBuildError(`its output is not valid: ${(error as Error).message}`);
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, content);
  await rename(partial, file);
}
