// The runtime panels' data: the debuggee sampled from outside (runtime/inspect) while it runs,
// pushed to the client in batches ('ftpy/runtimeSample', at most 10 a second) together with
// what the agent reports (collections, GIL changes); full snapshots and refcount anatomies on
// request. Sampling never slows the debuggee directly (it reads /proc/PID/mem), but it does
// take CPU: its rate backs off so that it stays within a small share of one core.
import { Event } from '@vscode/debugadapter';
import { errorMessage, UserFacingError } from '../runtime/errors';
import { isInspectError, ProcessReader, RuntimeSampler } from '../runtime/inspect';
import type { CensusEntry, GcCollection, GilChange } from '../runtime/model/samples';
import { offsetsFor } from '../runtime/probe/cache';
import type { ProbeOffsets } from '../runtime/probe/offsets';
import { FTPY_EVENTS, RefcountArguments, RefcountResponseBody, RuntimeSampleEventBody, RuntimeSnapshotResponseBody } from './protocol';

const BATCH_MS = 100;
/** Share of one core the sampler may use (a sample of a few threads costs ~0.3 ms); beyond it, samples are spaced out. */
const CPU_BUDGET = 0.05;
/** Never fewer samples than this a second, however large the process. */
const MIN_HZ = 1;

export class RuntimeSampling {
  private batch: RuntimeSampleEventBody = { samples: [], collections: [], gilChanges: [] };
  private sampleTimer?: NodeJS.Timeout;
  private batchTimer?: NodeJS.Timeout;
  /** Running average of the CPU time one sample costs, ms. */
  private sampleCostMs = 0;
  private closed = false;

  private constructor(
    private readonly reader: ProcessReader,
    private readonly probe: ProbeOffsets,
    private readonly sampler: RuntimeSampler,
    private readonly send: (event: Event) => void,
    private readonly log: (message: string) => void,
  ) {}

  /** Attaches the reader to process `pid` (which runs `python`); throws a UserFacingError saying why it cannot. */
  static async open(pid: number, python: string, send: (event: Event) => void, log: (message: string) => void): Promise<RuntimeSampling> {
    let probe: ProbeOffsets;
    try {
      probe = await offsetsFor(python);
    } catch (error) {
      throw new UserFacingError(`The runtime panels have no data: the offsets probe for ${python} could not be built (${errorMessage(error)}).`);
    }
    let reader: ProcessReader | undefined;
    try {
      reader = ProcessReader.attach(pid);
      return new RuntimeSampling(reader, probe, reader.sampler(probe), send, log);
    } catch (error) {
      reader?.close();
      if (isInspectError(error)) throw new UserFacingError(`The runtime panels have no data: ${error.message}.`);
      throw error;
    }
  }

  /** Samples `hz` times a second (fewer for large processes) until closed; 0 = never. */
  start(hz: number): void {
    if (hz <= 0 || this.closed) return;
    const baseMs = 1000 / hz;
    const tick = () => {
      const started = process.cpuUsage();
      if (!this.take()) return; // the process is gone, or unreadable (logged)
      const cost = process.cpuUsage(started);
      this.sampleCostMs = 0.8 * this.sampleCostMs + 0.2 * ((cost.user + cost.system) / 1000);
      const intervalMs = Math.min(1000 / MIN_HZ, Math.max(baseMs, this.sampleCostMs / CPU_BUDGET));
      this.sampleTimer = setTimeout(tick, intervalMs);
    };
    this.sampleTimer = setTimeout(tick, 0);
    this.batchTimer = setInterval(() => this.flush(), BATCH_MS);
  }

  /** What the agent reported, sent with the next batch. */
  record(report: { event: 'gcCollection'; body: GcCollection } | { event: 'gilChange'; body: GilChange }): void {
    if (report.event === 'gcCollection') this.batch.collections.push(report.body);
    else this.batch.gilChanges.push(report.body);
  }

  async snapshot(census: () => Promise<CensusEntry[] | undefined>): Promise<RuntimeSnapshotResponseBody> {
    const sample = this.sampler.sample();
    const notes = ['The abandoned heap pool (heaps of exited threads) is not read yet.'];
    const body: RuntimeSnapshotResponseBody = { sample, heaps: this.reader.heaps(this.probe), abandoned: null, notes };
    try {
      const entries = await census();
      if (entries) body.census = entries;
      else notes.push('The object census is taken only while the program is stopped.');
    } catch (error) {
      notes.push(`No object census: ${errorMessage(error)}`);
    }
    return body;
  }

  /** The refcount anatomy of what `expression` evaluates to, its address found by evaluating id() in the frame. */
  async refcount(args: RefcountArguments | undefined, evaluate: (expression: string, frameId: number) => Promise<string>): Promise<RefcountResponseBody> {
    const expression = args?.expression?.trim();
    if (!expression || typeof args?.frameId !== 'number') throw new UserFacingError('Inspect Refcount needs a variable (an expression) of a stopped frame.');
    const address = await evaluate(`id((${expression}))`, args.frameId);
    if (!/^\d+$/.test(address)) throw new UserFacingError(`Cannot inspect the refcount of ${expression}: id() gave ${address}.`);
    return this.reader.refcount(this.probe, BigInt(address));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.sampleTimer);
    clearInterval(this.batchTimer);
    this.flush();
    this.reader.close();
  }

  /** Adds a sample to the batch; false when sampling must stop. A torn read just skips one. */
  private take(): boolean {
    try {
      this.batch.samples.push(this.sampler.sample());
      return true;
    } catch (error) {
      if (isInspectError(error, 'torn-read')) return true;
      if (!isInspectError(error, 'no-such-process')) this.log(`Runtime sampling stopped: ${errorMessage(error)}`);
      return false;
    }
  }

  private flush(): void {
    const batch = this.batch;
    if (batch.samples.length + batch.collections.length + batch.gilChanges.length === 0) return;
    this.batch = { samples: [], collections: [], gilChanges: [] };
    this.send(new Event(FTPY_EVENTS.runtimeSample, batch));
  }
}
