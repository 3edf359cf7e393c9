// The hardening figures `npm run stress` prints (test/stress/reporter.ts). Tests of the stress
// tier, and the fault and hostile-input tests of the DAP tier it also runs, add to them.
import * as fs from 'node:fs';

export interface Figures {
  /** Arrivals at breakpoints, as the programs counted them. */
  hits: number;
  /** Stopped events reported for those arrivals. */
  stopsReported: number;
  /** Longest time from a thread arriving at a breakpoint to its stopped event at the client. */
  maxStopLatencyMs: number;
  /** Highest resident set size of any debug adapter process the tests watched. */
  adapterPeakRssKb: number;
  faultsTried: number;
  faultsSurvived: number;
  /** Longest time from a fault to the end of its session. */
  maxFaultToEndMs: number;
  fuzzCases: number;
  fuzzCrashes: number;
}

export const figures: Figures = {
  hits: 0,
  stopsReported: 0,
  maxStopLatencyMs: 0,
  adapterPeakRssKb: 0,
  faultsTried: 0,
  faultsSurvived: 0,
  maxFaultToEndMs: 0,
  fuzzCases: 0,
  fuzzCrashes: 0,
};

/**
 * Node flags for an adapter whose memory a test measures. V8 grows its young generation up to
 * 16 MiB a semi-space under a burst of allocation, which moved the adapter's RSS by up to 30 MiB
 * between rounds of the same work (and failed a growth check at random); a 1 MiB young
 * generation keeps RSS flat within a few MiB, and a 32 MiB old space turns a leak into an
 * out-of-memory crash the test reports (the adapter's live heap stays under 16 MiB).
 */
export const measuredHeap = ['--max-semi-space-size=1', '--max-old-space-size=32'];

/** A memory figure of /proc/PID/status in KiB (VmRSS: now, VmHWM: peak); 0 once the process has exited. */
export function memoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Keeps the peak RSS of a debug adapter process that is still running. */
export function recordAdapterPeak(pid: number): void {
  figures.adapterPeakRssKb = Math.max(figures.adapterPeakRssKb, memoryKb(pid, 'VmHWM'));
}

/** Runs one fault case: counted as tried, and as survived when `run` resolves. */
export async function fault(run: () => Promise<number>): Promise<void> {
  figures.faultsTried++;
  const endedAfterMs = await run();
  figures.faultsSurvived++;
  figures.maxFaultToEndMs = Math.max(figures.maxFaultToEndMs, endedAfterMs);
}
