// The three ways the conformance tier runs CPython's regression tests (`python -m test ARGS`):
// plain, under `ftpy run`, and in a debug session over DAP. Each runs in a scratch working
// directory within a time limit; a run past its limit has every process it started dumped
// (`ftpy dump --locks`) and killed, so a hang costs one limit and shows where it hung.
// Runs go one at a time.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { capabilities } from '../../debug-adapter/session';
import { cliPath, fixtures } from '../support/cli';
import { testPython } from '../support/runtime';
import { adapterPath, defined, isAlive, launchArgs, launchWithBreakpoints, startClient, topFrames } from '../support/dap';
import { descendants, processReport } from '../../scripts/lib/processTree.cjs';

export type Mode = 'plain' | 'ftpy run' | 'debug';

export interface Run {
  mode: Mode;
  /** The program's stdout: the report is parsed from it. */
  stdout: string;
  /** stdout and stderr as they arrived. */
  output: string;
  /** The exit code (128 + N for signal N); undefined when the run was killed at its limit. */
  exitCode?: number;
  seconds: number;
  /** Each time the debugger stopped the program. */
  stops: string[];
  /** What went wrong besides the tests: the run passed its limit (with where its processes were), the adapter hung. */
  problems: string[];
}

export interface Breakpoints {
  /** Line breakpoints by file; a line may carry a condition. */
  [file: string]: DebugProtocol.SourceBreakpoint[];
}

/** A CPython test module as `python -m test` takes it, and where its never-reached breakpoint goes when not in the main guard of its own file. */
export interface ConformanceModule {
  name: string;
  unreached?: { module?: string; function?: string };
}

/** The conditional breakpoint in threading.Thread.run and each module's never-reached line. */
export function breakpointsByModule(modules: ConformanceModule[]): Map<string, Breakpoints> {
  const wanted = modules.map(({ name, unreached }) => ({ module: unreached?.module ?? name, function: unreached?.function ?? null }));
  const located = JSON.parse(execFileSync(testPython(), [path.join(__dirname, 'breakpoint_lines.py'), JSON.stringify(wanted)], { encoding: 'utf8' })) as {
    threadRun: { path: string; line: number };
    unreached: { path: string; line: number }[];
  };
  // Evaluated on every pass through Thread.run, never true.
  const threadRun: DebugProtocol.SourceBreakpoint = { line: located.threadRun.line, condition: 'self is None' };
  return new Map(
    modules.map((module, index) => {
      const unreached = defined(located.unreached[index], `a never-reached line for ${module.name}`);
      return [module.name, { [located.threadRun.path]: [threadRun], [unreached.path]: [{ line: unreached.line }] }];
    }),
  );
}

// The adapter ends its program within a second or two of a disconnect.
const DISCONNECT_LIMIT_MS = 15_000;

// `ftpy run` takes a file: this one runs the `test` package as `-m test` does.
const launcher = path.join(fixtures, 'conformance_regrtest.py');

/** A scratch working directory for one run (regrtest makes its temporary folders there). */
async function inScratch(work: (cwd: string) => Promise<Run>): Promise<Run> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-conformance-'));
  try {
    return await work(cwd);
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** `python -X gil=0 -m test ARGS`. */
export function plainRun(args: string[], limitMs: number): Promise<Run> {
  return inScratch((cwd) => processRun('plain', testPython(), ['-X', 'gil=0', '-m', 'test', ...args], cwd, limitMs));
}

/** `ftpy run LAUNCHER ARGS`, on the same interpreter as the plain run. */
export function ftpyRun(args: string[], limitMs: number): Promise<Run> {
  return inScratch((cwd) => processRun('ftpy run', process.execPath, [cliPath(), 'run', '--python', testPython(), launcher, ...args], cwd, limitMs));
}

async function processRun(mode: Mode, command: string, args: string[], cwd: string, limitMs: number): Promise<Run> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(); // as the debug adapter does for its debuggee
  const run: Run = { mode, stdout: '', output: '', seconds: 0, stops: [], problems: [] };
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    run.stdout += text;
    run.output += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.output += text));
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  });
  run.exitCode = await withinLimit(exit, limitMs);
  if (run.exitCode === undefined) {
    run.problems.push(`still running after ${limitMs / 1000} s; its processes:\n${dumpAndKill(defined(child.pid, 'the pid of the run'))}`);
    await exit;
  }
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/** A debug launch of `-m test ARGS` with ftpy's default settings (VS Code's default exception filters too). */
export function debugRun(args: string[], breakpoints: Breakpoints, limitMs: number): Promise<Run> {
  return inScratch(async (cwd) => {
    const run: Run = { mode: 'debug', stdout: '', output: '', seconds: 0, stops: [], problems: [] };
    const client = await startClient();
    const adapter = adapterPid();
    client.on('output', (event: DebugProtocol.OutputEvent) => {
      if (event.body.category === 'stdout') run.stdout += event.body.output;
      if (event.body.category === 'stdout' || event.body.category === 'stderr') run.output += event.body.output;
    });
    // A stop is a finding, not an end: note it, then let the program go on.
    client.on('stopped', (event: DebugProtocol.StoppedEvent) => void noteAndContinue(client, event, run.stops));
    const started = performance.now();
    try {
      run.exitCode = await withinLimit(launchUntilExit(client, args, breakpoints, cwd), limitMs);
      // The adapter is spared: it should see its program end and answer the disconnect.
      if (run.exitCode === undefined) run.problems.push(`still running after ${limitMs / 1000} s; its processes:\n${dumpAndKill(adapter, adapter)}`);
      run.seconds = (performance.now() - started) / 1000;
      return run;
    } finally {
      // DebugClient's requests never time out: a stuck adapter would hold the tier.
      if (
        !(await withinLimit(
          client.stop().then(() => true),
          DISCONNECT_LIMIT_MS,
        ))
      ) {
        run.problems.push(`the debug adapter did not answer the disconnect within ${DISCONNECT_LIMIT_MS / 1000} s; its processes:\n${dumpAndKill(adapter)}`);
      }
    }
  });
}

/** Launches with the breakpoints (all must be placed) and VS Code's default exception filters; resolves with the exit code. */
async function launchUntilExit(client: DebugClient, args: string[], breakpoints: Breakpoints, cwd: string): Promise<number> {
  const exit = new Promise<number>((resolve) => client.once('exited', (event: DebugProtocol.ExitedEvent) => resolve(event.body.exitCode)));
  const filters = (capabilities.exceptionBreakpointFilters ?? []).filter((filter) => filter.default).map((filter) => filter.filter);
  const requested = Object.entries(breakpoints).map(([file, lines]) => ({ path: file, lines }));
  const placed = await launchWithBreakpoints(client, launchArgs(undefined, { module: 'test', args, cwd, justMyCode: false }), requested, filters);
  const unverified = placed.filter((breakpoint) => !breakpoint.verified);
  if (unverified.length > 0) throw new Error(`breakpoints not verified, the comparison would not exercise them: ${JSON.stringify(unverified)}`);
  return exit;
}

async function noteAndContinue(client: DebugClient, event: DebugProtocol.StoppedEvent, stops: string[]): Promise<void> {
  // Noted before any request, which a stuck adapter would never answer.
  const index = stops.push(`${event.body.reason}${event.body.text ? ` ${event.body.text}` : ''}`) - 1;
  try {
    const threadId = defined(event.body.threadId, 'the stopped thread');
    const frame = (await topFrames(client, threadId, 1))[0];
    stops[index] += frame ? ` at ${frame.name} (${frame.source?.path ?? '?'}:${frame.line})` : ' (no frame)';
    await client.continueRequest({ threadId });
  } catch (error) {
    stops[index] += ` (could not be inspected or continued: ${String(error)})`;
  }
}

/** The value of `work` if it settles within `limitMs`, else undefined. */
async function withinLimit<T>(work: Promise<T>, limitMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), limitMs)));
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The debug adapter this process started (one session at a time; tsx's esbuild is a child too). */
function adapterPid(): number {
  const adapter = adapterPath();
  const pid = descendants(process.pid).find((child) => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').includes(adapter);
    } catch {
      return false; // it ended meanwhile
    }
  });
  return defined(pid, 'the debug adapter process');
}

/** What `root` and every process under it are doing (`ps`, then `ftpy dump --locks` of each Python); then kills them all but `spare`. */
function dumpAndKill(root: number, spare?: number): string {
  const pids = [root, ...descendants(root)].filter(isAlive);
  const report = processReport(pids);
  for (const pid of pids.filter((pid) => pid !== spare)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // it ended meanwhile
    }
  }
  return report;
}
