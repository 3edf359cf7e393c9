// Why threads do not scale, from samples of what each thread was doing (runtime/inspect/waitSample):
// the share of thread time in each state, the locks waited on and where, the stop-the-world
// pauses, and a one-line verdict; also the samples as collapsed stacks for flame-graph tools.
// Pure: it only adds up samples.
import * as path from 'node:path';
import type { FrameSnapshot } from '../inspect/frames';
import type { ThreadWaitSample, WaitSample, WaitState } from '../inspect/waitSample';

export const WAIT_STATES: readonly WaitState[] = ['running', 'lock', 'waiting', 'sleep', 'io', 'syscall', 'c', 'stop-the-world', 'gc'];
/** A cause below this share of the thread time is not named by the verdict. */
const VERDICT_THRESHOLD = 0.05;
/** The standard library's waiting primitives: a wait is attributed to the caller of these. */
const WAITING_FILES = /[\\/](threading|queue)\.py$/;

export interface ThreadProfile {
  threadId: number;
  nativeId: number;
  name: string | null;
  samples: number;
  /** Share of this thread's samples in each state. */
  states: Record<WaitState, number>;
}

export interface LockProfile {
  id: string;
  type: string;
  label: string;
  /** Thread time spent parked waiting for it (samples x the sampling interval), s. */
  waitS: number;
  /**
   * Thread time running at the lines where threads park on it, in C called from there: taking it
   * (spinning before parking, cache lines moving between cores) and releasing it, s.
   */
  acquireS: number;
  /** Its share of the thread time: both of the above. */
  share: number;
  /** The most threads seen waiting for it at once. */
  maxWaiters: number;
  /** Where the threads waited (file:line), with their share of its waits, most first. */
  sites: { site: string; share: number }[];
}

export interface PauseProfile {
  count: number;
  /** Pauses during which a collection ran. */
  gc: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** A pause is known to the sampling interval. */
  resolutionMs: number;
}

export interface ProfileReport {
  pid: number;
  durationS: number;
  samples: number;
  /** Samples left out because the threads could not be read consistently. */
  torn: number;
  rateHz: number;
  verdict: string;
  /** Thread time counted: every thread's samples but those waiting in Thread.join (waiting for the others is no loss). */
  threadTimeS: number;
  threads: ThreadProfile[];
  locks: LockProfile[];
  pauses: PauseProfile;
}

interface ThreadTally {
  threadId: number;
  nativeId: number;
  name: string | null;
  samples: number;
  states: Record<WaitState, number>;
}

interface LockTally {
  type: string;
  samples: number;
  maxWaiters: number;
  sites: Map<string, number>;
}

export class WaitProfile {
  private samples = 0;
  private torn = 0;
  private first: number | undefined;
  private last: number | undefined;
  /** Thread samples counted (not waiting in a join). */
  private counted = 0;
  private readonly threads = new Map<number, ThreadTally>();
  private readonly locks = new Map<string, LockTally>();
  /** Other causes than locks and running: 'waiting Event.wait', 'sleep', … -> samples. */
  private readonly causes = new Map<string, number>();
  private readonly stacks = new Map<string, number>();
  /** Running samples by the line their innermost frame is at (file:line). */
  private readonly runningAt = new Map<string, number>();
  /** The stop-the-world pause the last sample saw, if it saw one. */
  private pause: { start: number; gc: boolean } | undefined;
  private readonly pauseLengths: { ms: number; gc: boolean }[] = [];

  add(sample: WaitSample): void {
    this.samples++;
    this.first ??= sample.time;
    this.last = sample.time;
    this.notePause(sample);
    const waiters = new Map<string, number>();
    for (const thread of sample.threads) {
      this.tallyThread(thread);
      const wait = stateFrame(thread);
      const stack = wait ? `${this.stackOf(thread)};${wait}` : this.stackOf(thread);
      this.stacks.set(stack, (this.stacks.get(stack) ?? 0) + 1);
      if (isJoin(thread)) continue;
      this.counted++;
      if (thread.state === 'lock' && thread.lock) {
        waiters.set(thread.lock.id, (waiters.get(thread.lock.id) ?? 0) + 1);
        this.tallyLock(thread.lock, thread.frames);
      } else if (thread.state === 'running') {
        const line = thread.frames[0] && site(thread.frames[0]);
        if (line) this.runningAt.set(line, (this.runningAt.get(line) ?? 0) + 1);
      } else if (thread.state !== 'c') {
        const cause = causeOf(thread);
        this.causes.set(cause, (this.causes.get(cause) ?? 0) + 1);
      }
    }
    for (const [id, count] of waiters) {
      const lock = this.locks.get(id);
      if (lock) lock.maxWaiters = Math.max(lock.maxWaiters, count);
    }
  }

  /** A sample that could not be read consistently: counted, never shown as data. */
  addTorn(): void {
    this.torn++;
  }

  /** The report; `labels`: lock ids -> what the lock reader calls them ("Lock 'hist_lock' at 0x…"). */
  report(pid: number, labels: ReadonlyMap<string, string> = new Map()): ProfileReport {
    this.endPause(this.last);
    const durationS = this.first === undefined || this.last === undefined ? 0 : (this.last - this.first) / 1000;
    const intervalS = this.samples > 1 ? durationS / (this.samples - 1) : 0;
    const share = (samples: number) => (this.counted === 0 ? 0 : samples / this.counted);
    const locks = [...this.locks.entries()]
      .map(([id, lock]) => {
        const acquiring = [...lock.sites.keys()].reduce((sum, line) => sum + (this.runningAt.get(line) ?? 0), 0);
        return {
          id,
          type: lock.type,
          label: labels.get(id) ?? `${lock.type} at ${id}`,
          waitS: lock.samples * intervalS,
          acquireS: acquiring * intervalS,
          share: share(lock.samples + acquiring),
          maxWaiters: lock.maxWaiters,
          sites: [...lock.sites.entries()].sort((a, b) => b[1] - a[1]).map(([line, count]) => ({ site: line, share: count / lock.samples })),
        };
      })
      .sort((a, b) => b.share - a.share);
    const threads = [...this.threads.values()].map((thread) => ({
      ...thread,
      states: Object.fromEntries(WAIT_STATES.map((state) => [state, thread.samples === 0 ? 0 : thread.states[state] / thread.samples])) as Record<
        WaitState,
        number
      >,
    }));
    return {
      pid,
      durationS,
      samples: this.samples,
      torn: this.torn,
      rateHz: durationS > 0 ? (this.samples - 1) / durationS : 0,
      verdict: this.verdict(locks, share),
      threadTimeS: this.counted * intervalS,
      threads,
      locks,
      pauses: this.pauseProfile(intervalS * 1000),
    };
  }

  /**
   * Every sample of every thread as the collapsed-stack format of flame-graph tools: lines of
   * `thread;outermost;…;innermost count`, a wait as one more frame (`[wait lock LABEL]`, `[sleep]`, …).
   */
  collapsed(labels: ReadonlyMap<string, string> = new Map()): string {
    const named = (stack: string) => stack.replace(/\[wait lock (0x[0-9a-f]+)\]$/, (_frame, id: string) => clean(`[wait lock ${labels.get(id) ?? id}]`));
    return [...this.stacks.entries()].map(([stack, count]) => `${named(stack)} ${count}\n`).join('');
  }

  private verdict(locks: LockProfile[], share: (samples: number) => number): string {
    const candidates = [
      ...locks.map((lock) => ({ what: `${lock.label}${lock.sites[0] ? ` (${lock.sites[0].site})` : ''}`, share: lock.share })),
      ...[...this.causes.entries()].map(([cause, samples]) => ({ what: cause, share: share(samples) })),
    ].sort((a, b) => b.share - a.share);
    const top = candidates[0];
    if (this.counted === 0) return 'no thread time was sampled';
    if (top && top.share >= VERDICT_THRESHOLD) return `thread time lost to ${top.what}: ${percent(top.share)}`;
    return `no lock or wait stands out: each is under ${percent(VERDICT_THRESHOLD)} of the thread time`;
  }

  private tallyThread(thread: ThreadWaitSample): void {
    let tally = this.threads.get(thread.threadId);
    if (!tally) {
      tally = { threadId: thread.threadId, nativeId: thread.nativeId, name: thread.name, samples: 0, states: zeroStates() };
      this.threads.set(thread.threadId, tally);
    }
    tally.name ??= thread.name;
    tally.samples++;
    tally.states[thread.state]++;
  }

  private tallyLock(waited: { id: string; type: string }, frames: FrameSnapshot[]): void {
    let lock = this.locks.get(waited.id);
    if (!lock) {
      lock = { type: waited.type, samples: 0, maxWaiters: 0, sites: new Map() };
      this.locks.set(waited.id, lock);
    }
    lock.samples++;
    const site = waitSite(frames);
    lock.sites.set(site, (lock.sites.get(site) ?? 0) + 1);
  }

  private stackOf(thread: ThreadWaitSample): string {
    const name = clean(thread.name ?? `thread ${thread.nativeId}`);
    return [name, ...[...thread.frames].reverse().map((frame) => clean(`${frame.function} (${path.basename(frame.file)}:${frame.line ?? '?'})`))].join(';');
  }

  private notePause(sample: WaitSample): void {
    const collecting = sample.threads.some((thread) => thread.state === 'gc');
    if (!sample.worldStopped) this.endPause(sample.time);
    else if (this.pause) this.pause.gc ||= collecting;
    else this.pause = { start: sample.time, gc: collecting };
  }

  /** The open pause ends at `time`: from the first sample that saw it to the first that did not. */
  private endPause(time: number | undefined): void {
    if (this.pause && time !== undefined) this.pauseLengths.push({ ms: time - this.pause.start, gc: this.pause.gc });
    this.pause = undefined;
  }

  private pauseProfile(resolutionMs: number): PauseProfile {
    const lengths = this.pauseLengths.map((pause) => pause.ms).sort((a, b) => a - b);
    const at = (q: number) => lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))] ?? 0;
    return {
      count: lengths.length,
      gc: this.pauseLengths.filter((pause) => pause.gc).length,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: lengths[lengths.length - 1] ?? 0,
      resolutionMs,
    };
  }
}

/** The thread waits for other threads to end (Thread.join): no thread time is lost there. */
function isJoin(thread: ThreadWaitSample): boolean {
  return thread.state === 'waiting' && thread.frames.some((frame) => frame.function === 'Thread.join' && WAITING_FILES.test(frame.file));
}

/** 'waiting Event.wait', 'waiting Queue.get', 'sleep', 'io read', … */
function causeOf(thread: ThreadWaitSample): string {
  if (thread.state === 'waiting') {
    const primitive = thread.frames.find((frame) => WAITING_FILES.test(frame.file) && !frame.function.startsWith('_'));
    const site = waitSite(thread.frames);
    return `waiting in ${primitive?.function ?? thread.call ?? 'a wait'} (${site})`;
  }
  return thread.call && thread.state !== 'sleep' ? `${thread.state} (${thread.call})` : thread.state;
}

/** The innermost line that is not the standard library's waiting code: where the program waits. */
function waitSite(frames: FrameSnapshot[]): string {
  const frame = frames.find((candidate) => !WAITING_FILES.test(candidate.file) && !candidate.file.startsWith('<frozen ')) ?? frames[0];
  return frame ? site(frame) : 'no Python frame';
}

function site(frame: FrameSnapshot): string {
  return `${path.basename(frame.file)}:${frame.line ?? '?'}`;
}

/** The frame that says what a thread not running waits in; none for a running one. */
function stateFrame(thread: ThreadWaitSample): string | undefined {
  if (thread.state === 'running') return undefined;
  if (thread.state === 'lock') return `[wait lock ${thread.lock?.id ?? '?'}]`;
  return clean(`[${thread.state}${thread.call ? ` ${thread.call}` : ''}]`);
}

/** A frame of the collapsed format: no ';' (the separator) and no line break. */
function clean(text: string): string {
  return text.replace(/[;\r\n]/g, '_');
}

function zeroStates(): Record<WaitState, number> {
  return Object.fromEntries(WAIT_STATES.map((state) => [state, 0])) as Record<WaitState, number>;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
