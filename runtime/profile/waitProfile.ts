// Why threads do not scale, from samples of what each thread was doing (runtime/inspect/waitSample):
// the share of thread time in each state, the locks waited on and where, the stop-the-world
// pauses, and a one-line verdict; also the samples as collapsed stacks for flame-graph tools.
// Pure: it only adds up samples.
import * as path from 'node:path';
import type { FrameSnapshot } from '../inspect/frames';
import type { ThreadWaitSample, WaitSample } from '../inspect/waitSample';
import { clean, StackTree } from './stackTree';
import type { LockProfile, PauseProfile, ProfileReport, SiteShare, Timeline, WaitState } from '../model/profile';

export type { LockProfile, PauseProfile, ProfileReport, SiteShare, ThreadProfile, Timeline, WaitState } from '../model/profile';

export const WAIT_STATES: readonly WaitState[] = ['running', 'lock', 'waiting', 'sleep', 'io', 'syscall', 'c', 'stop-the-world', 'gc'];
/** A cause below this share of the thread time is not named by the verdict. */
const VERDICT_THRESHOLD = 0.05;
/** The standard library's waiting primitives: a wait is attributed to the caller of these. */
const WAITING_FILES = /[\\/](threading|queue)\.py$/;
/** The timeline counts states in slices this long, merged into fewer columns for long recordings. */
const TIMELINE_SLICE_MS = 100;

interface Pause {
  start: number;
  gc: boolean;
  trigger: string;
}

/** A pause whose requester was not seen running Python (C code, or a thread left out). */
const NO_TRIGGER = 'no Python frame seen';

interface ThreadTally {
  threadId: number;
  nativeId: number;
  name: string | null;
  samples: number;
  states: Record<WaitState, number>;
  /** Its states' samples by timeline slice. */
  slices: Map<number, Record<WaitState, number>>;
}

interface LockTally {
  type: string;
  /** The local variable a frame holding it in a `with` block had it in. */
  name?: string;
  /** Parked samples. */
  samples: number;
  /** Running samples at a line where it is taken (not in its `with` body), by site. */
  takenAt: Map<string, number>;
  held: number;
  maxWaiters: number;
  /** Parked samples by site (a site key: file:line). */
  sites: Map<string, number>;
  /** Held samples by the site of the `with` statement. */
  heldAt: Map<string, number>;
}

export class WaitProfile {
  private samples = 0;
  private torn = 0;
  private first: number | undefined;
  private last: number | undefined;
  /** Time between samples, and their number, but across interruptions. */
  private spanMs = 0;
  private intervals = 0;
  /** The next sample follows an interruption: the time since the last one was not sampled. */
  private interrupted = false;
  /** Thread samples counted (not waiting in a join). */
  private counted = 0;
  /** By thread id and native id: a thread id may be reused once its thread ended. */
  private readonly threads = new Map<string, ThreadTally>();
  private readonly locks = new Map<string, LockTally>();
  /** Other causes than locks and running: 'waiting in Event.wait (fill.py:41)', 'sleep at fill.py:50', … -> samples. */
  private readonly causes = new Map<string, number>();
  private readonly stacks = new StackTree();
  /** The lock last taken at each line where one was (a `with` statement, a parking): site key -> lock id. */
  private readonly siteLock = new Map<string, string>();
  /** The first lock taken there: it gets the running samples from before. */
  private readonly firstSiteLock = new Map<string, string>();
  /** Running samples at lines no lock was seen taken at yet: site key -> samples. */
  private readonly runningAt = new Map<string, number>();
  /** The stop-the-world pause the last sample saw, if it saw one. */
  private pause: Pause | undefined;
  private readonly pauseLengths: (Pause & { ms: number })[] = [];

  add(sample: WaitSample): void {
    this.samples++;
    this.first ??= sample.time;
    if (this.last !== undefined && !this.interrupted) {
      this.spanMs += sample.time - this.last;
      this.intervals++;
    }
    this.interrupted = false;
    this.last = sample.time;
    this.notePause(sample);
    const waiters = new Map<string, number>();
    const slice = Math.floor((sample.time - this.first) / TIMELINE_SLICE_MS);
    for (const thread of sample.threads) {
      this.tallyThread(thread, slice);
      this.stacks.add(thread.name ?? `thread ${thread.nativeId}`, thread.frames, stateFrame(thread));
      if (isJoin(thread)) continue;
      this.counted++;
      let heldAt: string | undefined;
      if (thread.held) {
        heldAt = siteKey(thread.held);
        const lock = this.lockTally(thread.held);
        lock.name ??= thread.held.name;
        lock.held++;
        increment(lock.heldAt, heldAt);
        this.lockTakenAt(heldAt, thread.held.id);
      }
      if (thread.state === 'lock' && thread.lock) {
        increment(waiters, thread.lock.id);
        const lock = this.lockTally(thread.lock);
        lock.samples++;
        const site = waitSite(thread.frames);
        increment(lock.sites, site);
        this.lockTakenAt(site, thread.lock.id);
      } else if (thread.state === 'running') {
        const line = thread.frames[0] && siteKey(thread.frames[0]);
        if (line && line !== heldAt) {
          const taken = this.siteLock.get(line);
          if (taken === undefined) increment(this.runningAt, line);
          else increment(this.lockTallied(taken).takenAt, line);
        }
      } else if (thread.state !== 'c') {
        increment(this.causes, causeOf(thread));
      }
    }
    for (const [id, count] of waiters) {
      const lock = this.locks.get(id);
      if (lock) lock.maxWaiters = Math.max(lock.maxWaiters, count);
    }
  }

  /** Sampling stops for a while (the debugger stopped the program): that time is not the program's. */
  interrupt(): void {
    this.endPause(this.last);
    this.interrupted = true;
  }

  /** A sample that could not be read consistently: counted, never shown as data. */
  addTorn(): void {
    this.torn++;
  }

  /** The report; `labels`: lock ids -> what the lock reader calls them ("Lock 'hist_lock' at 0x…"). */
  report(pid: number, labels: ReadonlyMap<string, string> = new Map()): ProfileReport {
    const durationS = this.spanMs / 1000;
    const intervalS = this.intervals > 0 ? durationS / this.intervals : 0;
    const share = (samples: number) => (this.counted === 0 ? 0 : samples / this.counted);
    const locks = [...this.locks.entries()]
      .map(([id, lock]): LockProfile => {
        // Running at a line before any lock was seen taken there: the first lock taken there since.
        const takenAt = new Map(lock.takenAt);
        for (const [line, taken] of this.firstSiteLock) {
          const samples = this.runningAt.get(line) ?? 0;
          if (taken === id && samples > 0) takenAt.set(line, (takenAt.get(line) ?? 0) + samples);
        }
        const acquiring = [...takenAt.values()].reduce((sum, samples) => sum + samples, 0);
        return {
          id,
          type: lock.type,
          label: labels.get(id) ?? `${lock.type}${lock.name ? ` '${lock.name}'` : ''} at ${id}`,
          waitS: lock.samples * intervalS,
          acquireS: acquiring * intervalS,
          heldS: lock.held * intervalS,
          share: share(lock.samples + acquiring + lock.held),
          maxWaiters: lock.maxWaiters,
          sites: siteShares(lock.sites),
          heldAt: siteShares(lock.heldAt),
          takenAt: siteShares(takenAt),
        };
      })
      .sort((a, b) => b.share - a.share);
    const threads = [...this.threads.values()].map(({ slices: _slices, ...thread }) => ({
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
      rateHz: durationS > 0 ? this.intervals / durationS : 0,
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
    return [...this.stacks.stacks()].map(([stack, count]) => `${named(stack)} ${count}\n`).join('');
  }

  private verdict(locks: LockProfile[], share: (samples: number) => number): string {
    if (this.counted === 0) return 'no thread time was sampled';
    const candidates = [
      ...locks.map((lock) => ({ text: `thread time spent on ${lockVerdict(lock)}`, share: lock.share })),
      ...[...this.causes.entries()].map(([cause, samples]) => ({ text: `thread time lost to ${cause}: ${percent(share(samples))}`, share: share(samples) })),
    ].sort((a, b) => b.share - a.share);
    const top = candidates[0];
    if (top && top.share >= VERDICT_THRESHOLD) return top.text;
    const none = `no lock or wait stands out: each is under ${percent(VERDICT_THRESHOLD)} of the thread time`;
    // The largest still says where to look first (on a loaded machine, threads that rarely run at once rarely contend).
    return top && top.share > 0 ? `${none}; the most: ${top.text}` : none;
  }

  /** The timeline in at most `maxColumns` columns (slices merged). */
  timeline(maxColumns = 120): Timeline {
    const slices = this.first === undefined || this.last === undefined ? 0 : Math.floor((this.last - this.first) / TIMELINE_SLICE_MS) + 1;
    const merged = Math.max(1, Math.ceil(slices / maxColumns));
    const columns = Math.ceil(slices / merged);
    return {
      start: this.first ?? 0,
      columnMs: merged * TIMELINE_SLICE_MS,
      threads: [...this.threads.values()].map(({ threadId, nativeId, name, slices: counted }) => ({
        threadId,
        nativeId,
        name,
        columns: Array.from({ length: columns }, (_, column) => {
          const sum = zeroStates();
          for (let slice = column * merged; slice < (column + 1) * merged; slice++) {
            const counts = counted.get(slice);
            if (counts) for (const state of WAIT_STATES) sum[state] += counts[state];
          }
          const top = WAIT_STATES.reduce((best, state) => (sum[state] > sum[best] ? state : best));
          return sum[top] > 0 ? top : null;
        }),
      })),
    };
  }

  private tallyThread(thread: ThreadWaitSample, slice: number): void {
    const key = `${thread.threadId}/${thread.nativeId}`;
    let tally = this.threads.get(key);
    if (!tally) {
      tally = { threadId: thread.threadId, nativeId: thread.nativeId, name: thread.name, samples: 0, states: zeroStates(), slices: new Map() };
      this.threads.set(key, tally);
    }
    tally.name ??= thread.name;
    tally.samples++;
    tally.states[thread.state]++;
    let counts = tally.slices.get(slice);
    if (!counts) {
      counts = zeroStates();
      tally.slices.set(slice, counts);
    }
    counts[thread.state]++;
  }

  /** A lock already counted (every lock taken at a line is). */
  private lockTallied(id: string): LockTally {
    const lock = this.locks.get(id);
    if (!lock) throw new Error(`lock ${id} was never counted`);
    return lock;
  }

  private lockTakenAt(site: string, id: string): void {
    this.siteLock.set(site, id);
    if (!this.firstSiteLock.has(site)) this.firstSiteLock.set(site, id);
  }

  private lockTally(lock: { id: string; type: string }): LockTally {
    let tally = this.locks.get(lock.id);
    if (!tally) {
      tally = { type: lock.type, samples: 0, takenAt: new Map(), held: 0, maxWaiters: 0, sites: new Map(), heldAt: new Map() };
      this.locks.set(lock.id, tally);
    }
    return tally;
  }

  private notePause(sample: WaitSample): void {
    const collecting = sample.threads.some((thread) => thread.state === 'gc');
    if (!sample.worldStopped) return this.endPause(sample.time);
    if (!this.pause) this.pause = { start: sample.time, gc: false, trigger: NO_TRIGGER };
    this.pause.gc ||= collecting;
    // In a stopped world the one thread still attached is the one that stopped it.
    const requester = sample.threads.find((thread) => thread.state === 'running' || thread.state === 'gc')?.frames[0];
    if (collecting) this.pause.trigger = 'a collection';
    else if (requester && this.pause.trigger === NO_TRIGGER) this.pause.trigger = `${requester.function} (${siteText(siteKey(requester))})`;
  }

  /** The open pause ends at `time`: from the first sample that saw it to the first that did not. */
  private endPause(time: number | undefined): void {
    if (this.pause && time !== undefined) this.pauseLengths.push({ ...this.pause, ms: time - this.pause.start });
    this.pause = undefined;
  }

  private pauseProfile(resolutionMs: number): PauseProfile {
    // A pause still open counts as far as it was seen.
    const open = this.pause && this.last !== undefined ? [{ ...this.pause, ms: this.last - this.pause.start }] : [];
    const pauses = [...this.pauseLengths, ...open];
    const lengths = pauses.map((pause) => pause.ms).sort((a, b) => a - b);
    const at = (q: number) => lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))] ?? 0;
    return {
      count: lengths.length,
      gc: pauses.filter((pause) => pause.gc).length,
      triggers: [...countBy(pauses.map((pause) => pause.trigger)).entries()].sort((a, b) => b[1] - a[1]).map(([trigger, count]) => ({ trigger, count })),
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

/** 'waiting in Event.wait (fill.py:41)', 'sleep at fill.py:50', 'io read at server.py:12', … */
function causeOf(thread: ThreadWaitSample): string {
  const site = siteText(waitSite(thread.frames));
  if (thread.state === 'waiting') {
    const primitive = thread.frames.find((frame) => WAITING_FILES.test(frame.file) && !frame.function.startsWith('_'));
    return `waiting in ${primitive?.function ?? thread.call ?? 'a wait'} (${site})`;
  }
  return `${thread.state}${thread.call && thread.state !== 'sleep' ? ` ${thread.call}` : ''} at ${site}`;
}

/** 'Lock 'hist_lock' at 0x… (histogram.py:47): 31% (taking it 9%, holding it 22%)' */
function lockVerdict(lock: LockProfile): string {
  // The line most of its time went to: its top `with` statement, place it is waited for, or line it is taken at.
  const candidates = (
    [
      [lock.heldAt[0], lock.heldS],
      [lock.sites[0], lock.waitS],
      [lock.takenAt[0], lock.acquireS],
    ] as const
  ).flatMap(([site, partS]) => (site ? [{ site, seconds: partS * site.share }] : []));
  const where = candidates.reduce<(typeof candidates)[number] | undefined>(
    (best, candidate) => (best && best.seconds >= candidate.seconds ? best : candidate),
    undefined,
  )?.site;
  const seconds = lock.waitS + lock.acquireS + lock.heldS;
  const parts = [
    ['parked', lock.waitS],
    ['taking it', lock.acquireS],
    ['holding it', lock.heldS],
  ] as const;
  const breakdown = parts
    .filter(([, partS]) => partS > 0)
    .map(([part, partS]) => `${part} ${percent((lock.share * partS) / seconds)}`)
    .join(', ');
  return `${lock.label}${where ? ` (${where.site})` : ''}: ${percent(lock.share)} (${breakdown})`;
}

/** The innermost line that is not the standard library's waiting code: where the program waits (a site key). */
function waitSite(frames: FrameSnapshot[]): string {
  const frame = frames.find((candidate) => !WAITING_FILES.test(candidate.file) && !candidate.file.startsWith('<frozen ')) ?? frames[0];
  return frame ? siteKey(frame) : NO_FRAME;
}

const NO_FRAME = 'no Python frame';

/** A line as a key: 'FILE\0LINE' (a file name may hold a colon). */
function siteKey(at: { file: string; line: number | null }): string {
  return `${at.file}\0${at.line ?? '?'}`;
}

/** A site key as a file and a line ('' and null for no frame). */
function siteOf(key: string): { file: string; line: number | null } {
  if (key === NO_FRAME) return { file: '', line: null };
  const [file = key, line = '?'] = key.split('\0');
  return { file, line: line === '?' ? null : Number(line) };
}

/** 'histogram.py:47' */
function siteText(key: string): string {
  const { file, line } = siteOf(key);
  return key === NO_FRAME ? NO_FRAME : `${path.basename(file)}:${line ?? '?'}`;
}

/** Sites' sample counts as shares of their sum, most first. */
function siteShares(counts: Map<string, number>): SiteShare[] {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([key, count]) => ({ site: siteText(key), ...siteOf(key), share: count / total }));
}

function countBy<K>(keys: K[]): Map<K, number> {
  const counts = new Map<K, number>();
  for (const key of keys) increment(counts, key);
  return counts;
}

function increment<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The frame that says what a thread not running waits in; none for a running one. */
function stateFrame(thread: ThreadWaitSample): string | undefined {
  if (thread.state === 'running') return undefined;
  if (thread.state === 'lock') return `[wait lock ${thread.lock?.id ?? '?'}]`;
  return `[${thread.state}${thread.call ? ` ${thread.call}` : ''}]`;
}

function zeroStates(): Record<WaitState, number> {
  return Object.fromEntries(WAIT_STATES.map((state) => [state, 0])) as Record<WaitState, number>;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
