// The recent history of one debug session's runtime, as the panels chart it: pure data (it
// crosses postMessage as is) and pure functions, shared by the extension host, which keeps one
// per session, and the webview, which applies the same batches to its copy.
import type { GcCollection, GilChange, RuntimeSample, RuntimeSampleEventBody } from '../../debug-adapter/protocol';

/** The eval-breaker signals, in the order the matrix shows them (names as the sampler reports them). */
export const EVAL_BREAKER_SIGNALS = [
  'gil_drop_request',
  'signals_pending',
  'calls_to_do',
  'async_exception',
  'gc_scheduled',
  'please_stop',
  'explicit_merge',
] as const;

export const EXPLICIT_MERGE = 'explicit_merge';

export interface ThreadSeries {
  threadId: number;
  name: string | null;
  /** BRC queue depth at each of `times` (null: the thread did not exist then). */
  brcQueue: (number | null)[];
}

export interface Interval {
  start: number;
  end: number;
}

export interface RuntimeHistory {
  /** How far back the charts go, ms. */
  windowMs: number;
  /** Sample times, ms since the epoch, oldest first. */
  times: number[];
  threads: ThreadSeries[];
  /** Explicit-merge signals raised in the second before each of `times` (all threads). */
  mergeRate: number[];
  /** Times of the explicit-merge signals of the last second (what mergeRate counts). */
  recentMerges: number[];
  /** Signals seen raised this session, by name: a bit counts when it is set and was clear in the
   * thread's previous sample. */
  signalCounts: Record<string, number>;
  /** Each thread's eval-breaker bits at its last sample, by thread id. */
  lastBits: Record<string, string[]>;
  /** Stretches where the samples saw the world stopped. */
  stopTheWorld: Interval[];
  collections: GcCollection[];
  /** Every GIL change this session (there are few). */
  gilChanges: GilChange[];
  latest: RuntimeSample | null;
  sampleCount: number;
  /** Why there are no samples this session (the program's memory cannot be read), once the adapter said. */
  unavailable: string | null;
}

export function emptyHistory(windowMs = 60_000): RuntimeHistory {
  return {
    windowMs,
    times: [],
    threads: [],
    mergeRate: [],
    recentMerges: [],
    signalCounts: {},
    lastBits: {},
    stopTheWorld: [],
    collections: [],
    gilChanges: [],
    latest: null,
    sampleCount: 0,
    unavailable: null,
  };
}

/** Adds one batch of the adapter's 'ftpy/runtimeSample' event (in place) and drops what left the window. */
export function addBatch(history: RuntimeHistory, batch: RuntimeSampleEventBody): void {
  for (const sample of batch.samples) addSample(history, sample);
  history.collections.push(...batch.collections);
  history.gilChanges.push(...batch.gilChanges);
  if (batch.unavailable) history.unavailable = batch.unavailable;
  const newest = Math.max(history.latest?.time ?? 0, ...batch.collections.map((collection) => collection.end));
  trim(history, newest - history.windowMs);
}

function addSample(history: RuntimeHistory, sample: RuntimeSample): void {
  const previous = history.latest;
  if (previous && sample.time < previous.time) return; // a late sample would break the time axis
  history.times.push(sample.time);
  history.sampleCount++;
  const index = history.times.length - 1;
  for (const thread of sample.threads) {
    let series = history.threads.find((candidate) => candidate.threadId === thread.threadId);
    if (!series) {
      series = { threadId: thread.threadId, name: thread.name, brcQueue: new Array<number | null>(index).fill(null) };
      history.threads.push(series);
    }
    series.name = thread.name ?? series.name;
    series.brcQueue.push(thread.brcQueue);
    countRaisedSignals(history, sample.time, String(thread.threadId), thread.evalBreaker);
  }
  for (const series of history.threads) if (series.brcQueue.length < history.times.length) series.brcQueue.push(null);
  const alive = new Set(sample.threads.map((thread) => String(thread.threadId)));
  history.lastBits = Object.fromEntries(Object.entries(history.lastBits).filter(([threadKey]) => alive.has(threadKey)));
  history.recentMerges = history.recentMerges.filter((time) => time > sample.time - 1000);
  history.mergeRate.push(history.recentMerges.length);
  if (sample.worldStopped) extendStopTheWorld(history, previous, sample.time);
  history.latest = sample;
}

function countRaisedSignals(history: RuntimeHistory, time: number, threadKey: string, bits: string[]): void {
  const before = history.lastBits[threadKey] ?? [];
  for (const bit of bits) {
    if (before.includes(bit)) continue;
    history.signalCounts[bit] = (history.signalCounts[bit] ?? 0) + 1;
    if (bit === EXPLICIT_MERGE) history.recentMerges.push(time);
  }
  history.lastBits[threadKey] = [...bits];
}

/** A stop seen in consecutive samples is one pause, from the first sample that saw it to the last. */
function extendStopTheWorld(history: RuntimeHistory, previous: RuntimeSample | null, time: number): void {
  const last = history.stopTheWorld.at(-1);
  if (last && previous?.worldStopped && last.end === previous.time) last.end = time;
  else history.stopTheWorld.push({ start: time, end: time });
}

function trim(history: RuntimeHistory, cutoff: number): void {
  const drop = history.times.findIndex((time) => time >= cutoff);
  const count = drop < 0 ? history.times.length : drop;
  if (count > 0) {
    history.times.splice(0, count);
    history.mergeRate.splice(0, count);
    for (const series of history.threads) series.brcQueue.splice(0, count);
    history.threads = history.threads.filter((series) => series.brcQueue.some((depth) => depth !== null));
  }
  history.stopTheWorld = history.stopTheWorld.filter((pause) => pause.end >= cutoff);
  history.collections = history.collections.filter((collection) => collection.end >= cutoff);
}

/** The signals to show as matrix columns: the known ones, then any other the sampler reported. */
export function signalColumns(history: RuntimeHistory): string[] {
  const seen = [...Object.keys(history.signalCounts), ...(history.latest?.threads.flatMap((thread) => thread.evalBreaker) ?? [])];
  const extra = seen.filter((bit, index) => !(EVAL_BREAKER_SIGNALS as readonly string[]).includes(bit) && seen.indexOf(bit) === index);
  return [...EVAL_BREAKER_SIGNALS, ...extra];
}

/** The shortest time axis, ms: a run of a second or two still reads as a stretch of time. */
const MIN_RANGE_MS = 5_000;

/**
 * The charts' common time range, ms, ending at the newest sample or collection (or now, before
 * any): the window once the data fills it; before that, from the oldest data on (at least
 * MIN_RANGE_MS), so a short run spans the charts instead of being crammed into their right edge.
 */
export function historyRange(history: RuntimeHistory, now = Date.now()): [number, number] {
  const end = Math.max(history.latest?.time ?? 0, ...history.collections.map((collection) => collection.end)) || now;
  const oldest = Math.min(history.times[0] ?? end, ...history.collections.map((collection) => collection.start));
  const shortest = Math.min(MIN_RANGE_MS, history.windowMs);
  const start =
    history.latest === null && history.collections.length === 0 ? end - history.windowMs : Math.min(Math.max(end - history.windowMs, oldest), end - shortest);
  return [start, end];
}

/**
 * A GC generation's count as the GC tab shows it. 3.13t counts the young generation as
 * allocations minus deallocations since the last collection: negative when more objects were
 * freed than made, which is said rather than shown bare.
 */
export function generationCount(count: number): string {
  return count < 0 ? `${count} (more freed than allocated since the last collection)` : String(count);
}
