// Starts test/fixtures/inspect_parked.py and waits until its threads are parked
// and it has written what it reports about itself (shared by tests and bench).
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProbe } from '../../runtime/probe/build';
import type { ProbeOffsets } from '../../runtime/probe/offsets';

export const FIXTURE = path.join(__dirname, '..', 'fixtures', 'inspect_parked.py');

export interface ReportedFrame {
  function: string;
  file: string;
  line: number;
}

export interface ReportedThread {
  thread_id: number;
  native_id: number;
  name: string;
  frames: ReportedFrame[];
}

export interface ParkedProcess {
  child: ChildProcess;
  pid: number;
  reported: ReportedThread[];
}

export type ParkedMode = 'few' | 'many' | 'deadlock' | 'deep' | 'busy' | 'monitored';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 20 ms for at most `ms`; throws `why` on timeout. */
export async function waitFor(done: () => boolean, ms: number, why: () => string): Promise<void> {
  for (const deadline = Date.now() + ms; !done(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(why());
  }
}

export async function startParked(python: string, mode: ParkedMode): Promise<ParkedProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-inspect-'));
  const out = path.join(dir, 'report.json');
  const child = spawn(python, ['-X', 'gil=0', FIXTURE, mode, out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await waitFor(
      () => fs.existsSync(out) || child.exitCode !== null,
      30_000,
      () => `fixture did not report: ${stderr}`,
    );
    if (child.exitCode !== null) throw new Error(`fixture exited with ${child.exitCode}: ${stderr}`);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { reporter_native_id: number; threads: ReportedThread[] };
    // The reporter thread exits after writing: wait until it is gone from the process.
    const reporterTask = `/proc/${child.pid}/task/${report.reporter_native_id}`;
    await waitFor(
      () => !fs.existsSync(reporterTask),
      10_000,
      () => 'the reporter thread did not exit',
    );
    return { child, pid: child.pid as number, reported: report.threads };
  } catch (error) {
    stopProcess(child);
    throw error;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function stopProcess(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const probes = new Map<string, Promise<{ file: string; offsets: ProbeOffsets }>>();

/** The offsets probe built for `python`, once per test run: its JSON file and its content. */
export function probeFor(python: string): Promise<{ file: string; offsets: ProbeOffsets }> {
  let probe = probes.get(python);
  if (!probe) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ftpy-probe-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'offsets.json');
    probe = buildProbe(python, file).then((offsets) => ({ file, offsets }));
    probes.set(python, probe);
  }
  return probe;
}
