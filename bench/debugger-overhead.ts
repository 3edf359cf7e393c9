// The debugger's cost on code it does not stop in: wall time of a CPU-bound workload
// (bench/debugger_workload.py) under ftpy's agent, as a ratio to a plain run measured in the
// same run, with 1 and 2 threads, and the 2-thread speedup of each mode.
//
//   FTPY_TEST_PYTHON=/path/to/python3.13t npx tsx bench/debugger-overhead.ts [REPEATS] [UNITS]
//
// Modes: plain `python -X gil=0`; ftpy with a breakpoint in a function never called; ftpy with a
// breakpoint in the hot function on a line never reached. Targets: ratios <= 1.05 and <= 1.1,
// speedups >= 95% of plain's. Runs are interleaved so that load from other processes hits
// every mode alike; medians are printed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readyRuntime } from '../runtime/provision/runtime';
import { startDebuggee } from '../runtime/debuggee/debuggee';

const workload = path.join(__dirname, 'debugger_workload.py');
const repeats = Number(process.argv[2] ?? 5);
const units = Number(process.argv[3] ?? 100);

function python(): string {
  const chosen = process.env.FTPY_TEST_PYTHON ?? readyRuntime()?.python;
  if (!chosen) throw new Error('Set FTPY_TEST_PYTHON to a free-threaded python, or install the embedded runtime.');
  return chosen;
}

function markerLine(name: string): number {
  const index = fs.readFileSync(workload, 'utf8').split('\n').findIndex((line) => line.includes(`# @bp:${name}`));
  if (index < 0) throw new Error(`no @bp:${name} in ${workload}`);
  return index + 1;
}

interface Times {
  wall: number;
  cpu: number;
}

function elapsed(stdout: string): Times {
  const match = /elapsed ([\d.]+) cpu ([\d.]+)/.exec(stdout);
  if (!match) throw new Error(`the workload printed no time: ${stdout}`);
  return { wall: Number(match[1]), cpu: Number(match[2]) };
}

function plainRun(threads: number): Promise<Times> {
  return new Promise((resolve, reject) => {
    const child = spawn(python(), ['-X', 'gil=0', workload, String(threads), String(units)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(elapsed(stdout)) : reject(new Error(`workload failed (${code})`))));
  });
}

async function debuggedRun(threads: number, breakpointLine: number): Promise<Times> {
  let stdout = '';
  const debuggee = await startDebuggee(
    {
      python: python(),
      gil: 'off',
      cwd: path.dirname(workload),
      env: process.env,
      args: [String(threads), String(units)],
      options: { program: workload, stopAll: true, justMyCode: true, stopOnEntry: false, showReturnValue: true },
    },
    { stdout: (text) => (stdout += text), stderr: (text) => process.stderr.write(text), log: (message) => process.stderr.write(`${message}\n`) },
  );
  const { breakpoints } = await debuggee.channel.request('setBreakpoints', { path: workload, breakpoints: [{ line: breakpointLine }] });
  if (!breakpoints[0]?.verified || breakpoints[0].line !== breakpointLine) throw new Error(`breakpoint not placed: ${JSON.stringify(breakpoints)}`);
  await debuggee.channel.request('configurationDone', {});
  const exit = await debuggee.exit;
  if (exit.code !== 0) throw new Error(`workload failed under the debugger (${exit.code})`);
  return elapsed(stdout);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const modes: [string, (threads: number) => Promise<Times>][] = [
    ['plain python -X gil=0', plainRun],
    ['ftpy, breakpoint in a function never called', (threads) => debuggedRun(threads, markerLine('never'))],
    ['ftpy, breakpoint in the hot function, never reached', (threads) => debuggedRun(threads, markerLine('unreached'))],
  ];
  const runs = modes.map(() => ({ 1: [] as Times[], 2: [] as Times[] }));
  for (let round = 0; round < repeats; round++) {
    for (const threads of [1, 2] as const) {
      for (const [index, [, run]] of modes.entries()) runs[index]?.[threads].push(await run(threads));
    }
  }
  console.log(`${python()}: ${units} units per thread, median of ${repeats} interleaved runs (${new Date().toISOString()})`);
  for (const kind of ['wall', 'cpu'] as const) {
    const table = runs.map((mode) => ({ 1: median(mode[1].map((run) => run[kind])), 2: median(mode[2].map((run) => run[kind])) }));
    const plain = table[0];
    if (!plain) return;
    const plainSpeedup = (2 * plain[1]) / plain[2];
    console.log(`\n${kind === 'wall' ? 'wall time' : 'CPU time (all threads)'}`);
    console.log('mode'.padEnd(54) + '1 thread  2 threads  ratio(1)  ratio(2)' + (kind === 'wall' ? '  2-thread speedup (% of plain)' : ''));
    for (const [index, [name]] of modes.entries()) {
      const mode = table[index];
      if (!mode) continue;
      const speedup = (2 * mode[1]) / mode[2];
      const columns = [mode[1].toFixed(3).padStart(8) + 's', mode[2].toFixed(3).padStart(8) + 's', (mode[1] / plain[1]).toFixed(3).padStart(8) + 'x', (mode[2] / plain[2]).toFixed(3).padStart(8) + 'x'];
      if (kind === 'wall') columns.push(`${speedup.toFixed(2).padStart(8)}x (${((100 * speedup) / plainSpeedup).toFixed(0)}%)`);
      console.log(name.padEnd(54) + columns.join(' '));
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
