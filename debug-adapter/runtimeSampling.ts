// The runtime panels' live data: the debuggee sampled from outside (runtime/inspect) while it
// runs, pushed to the client in batches ('ftpy/runtimeSample', at most 10 a second) together with
// what the agent reports (collections, GIL changes). Sampling never slows the debuggee directly
// (it reads /proc/PID/mem), but it does take CPU, which on a small machine is taken from the
// program: it runs only while the client shows the samples ('ftpy/runtimeSampling'), and its rate
// backs off so that it stays within a small share of one core. Full snapshots and refcounts on
// request: DebuggeeMemory.
import * as fs from 'node:fs';
import { Event } from '@vscode/debugadapter';
import { errorMessage } from '../runtime/errors';
import { isInspectError, ProcessReader, RuntimeSampler } from '../runtime/inspect';
import type { GcCollection, GilChange } from '../runtime/model/samples';
import type { AgentThreads } from '../runtime/debuggee/agentThreads';
import { type DebuggeeMemory, withProbe } from './debuggeeMemory';
import { FTPY_EVENTS, RuntimeSampleEventBody } from './protocol';

const BATCH_MS = 100;
/** Share of one core the sampler may use (a sample of a few threads costs ~0.3 ms); beyond it, samples are spaced out. */
const CPU_BUDGET = 0.05;
/** Never fewer samples than this a second, however large the process. */
const MIN_HZ = 1;

/** Milliseconds between samples: 1000 / hz, spaced out when a sample costs more than the budget. */
export function samplingInterval(hz: number, sampleCostMs: number): number {
  return Math.min(1000 / MIN_HZ, Math.max(1000 / hz, sampleCostMs / CPU_BUDGET));
}

export class RuntimeSampling {
  private batch: RuntimeSampleEventBody = { samples: [], collections: [], gilChanges: [] };
  private readonly batchTimer: NodeJS.Timeout;
  private sampleTimer?: NodeJS.Timeout;
  /** Running average of the CPU time one sample costs, ms. */
  private sampleCostMs = 0;
  private closed = false;
  /** The client shows the samples. */
  private wanted = false;
  /** The reader of the debuggee's memory with its sampler, once attached; a string says why there is none. */
  private readonly memory: Promise<MemoryView | string>;

  private readonly agentThreads: AgentThreads;

  /**
   * Starts batching at once (what the agent reports is sent even without a reader); samples the
   * debuggee's memory (the session's one reader) `hz` times a second (0 = never) while `sampling(true)`.
   */
  constructor(
    debuggee: DebuggeeMemory,
    private readonly hz: number,
    private readonly send: (event: Event) => void,
    private readonly log: (message: string) => void,
  ) {
    this.agentThreads = debuggee.agentThreads;
    this.batchTimer = setInterval(() => this.flush(), BATCH_MS);
    // Once the agent's threads are known: no sample may show one.
    this.memory = debuggee.agentThreads.ready.then(() => this.samplingView(debuggee));
    void this.memory.then((view) => {
      if (this.closed) return;
      // The panels say why they stay empty but for what the agent reports.
      if (typeof view === 'string' && hz > 0)
        this.batch.unavailable = `No samples of the program's memory (only the agent's collections and GIL changes are shown): ${view}.`;
      this.follow(view);
    });
  }

  /** Samples while `on` (the client shows the samples), from the first moment the reader is there. */
  sampling(on: boolean): void {
    this.wanted = on;
    void this.memory.then((view) => this.follow(view));
  }

  /** Starts or stops the sampling as wanted. */
  private follow(view: MemoryView | string): void {
    const running = this.sampleTimer !== undefined;
    if (this.closed || typeof view === 'string' || this.hz <= 0 || running === this.wanted) return;
    if (!this.wanted) {
      clearTimeout(this.sampleTimer);
      this.sampleTimer = undefined;
      return;
    }
    const tick = () => {
      const started = process.cpuUsage();
      if (!this.take(view)) return; // the process is gone, or unreadable (logged)
      const cost = process.cpuUsage(started);
      this.sampleCostMs = 0.8 * this.sampleCostMs + 0.2 * ((cost.user + cost.system) / 1000);
      this.sampleTimer = setTimeout(tick, samplingInterval(this.hz, this.sampleCostMs));
    };
    this.sampleTimer = setTimeout(tick, 0);
  }

  /** What the agent reported, sent with the next batch. */
  record(report: { event: 'gcCollection'; body: GcCollection } | { event: 'gilChange'; body: GilChange }): void {
    if (report.event === 'gcCollection') this.batch.collections.push(report.body);
    else this.batch.gilChanges.push(report.body);
  }

  /** The session's reader with a sampler of its own, or why there is none (a memory that cannot be read
   * is said once by the session). */
  private async samplingView(debuggee: DebuggeeMemory): Promise<MemoryView | string> {
    const reader = withProbe(await debuggee.memory());
    return typeof reader === 'string' ? reader : { reader, sampler: reader.sampler() };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.sampleTimer);
    clearInterval(this.batchTimer);
    this.flush(); // the reader is the session's: it closes it
  }

  /** Adds a sample to the batch; false when sampling must stop. A torn read just skips one. */
  private take({ sampler, reader }: MemoryView): boolean {
    try {
      this.batch.samples.push(this.agentThreads.fromSample(sampler.sample()));
      return true;
    } catch (error) {
      // Torn reads happen while the program runs; reads of an exited process fail the same way.
      if (isInspectError(error, 'torn-read')) return fs.existsSync(`/proc/${reader.pid}`);
      if (!isInspectError(error, 'no-such-process')) this.log(`Runtime sampling stopped: ${errorMessage(error)}`);
      return false;
    }
  }

  private flush(): void {
    const batch = this.batch;
    if (batch.samples.length + batch.collections.length + batch.gilChanges.length === 0 && !batch.unavailable) return;
    this.batch = { samples: [], collections: [], gilChanges: [] };
    this.send(new Event(FTPY_EVENTS.runtimeSample, batch));
  }
}

interface MemoryView {
  reader: ProcessReader;
  sampler: RuntimeSampler;
}
