// One recording of why threads do not scale, for `ftpy profile` and the runtime panel's Scaling
// tab: samples what every thread of a process does (runtime/inspect/waitSample) into a
// WaitProfile, and names the locks it meets with the lock reader's names.
import { isInspectError, type ProcessReader, type ThreadWaitSample, type WaitSample, type WaitSampler } from '../inspect';
import { ProfileReport, WaitProfile } from './waitProfile';

/** How often a lock not yet named may cost another read of the whole process to name it. */
const NAMING_RETRY_MS = 1000;

export class ProfileRecorder {
  readonly profile = new WaitProfile();
  /** Lock ids -> what the lock reader calls them ("Lock 'hist_lock' at 0x…"). */
  private readonly labels = new Map<string, string>();
  private readonly namingTried = new Map<string, number>();
  private readonly sampler: WaitSampler;
  private started = false;

  /** `keep`: the threads to count (a debug session leaves out the agent's). */
  constructor(
    private readonly reader: ProcessReader,
    private readonly keep: (thread: ThreadWaitSample) => boolean = () => true,
  ) {
    this.sampler = reader.waitSampler();
  }

  /**
   * Takes one sample; false once the process has ended (`alive` says whether it runs). A torn
   * read is counted, never shown; before the interpreter is up (a program just started) nothing is.
   */
  take(alive: () => boolean): boolean {
    try {
      const sample = this.sampler.sample();
      this.started = true;
      const kept = { ...sample, threads: sample.threads.filter(this.keep) };
      this.profile.add(kept);
      this.nameNewLocks(kept);
    } catch (error) {
      if (!isInspectError(error)) throw error;
      // Before the interpreter is up (a program just started) nothing is sampled; once it is
      // gone (finalized: the process is exiting), the recording ends.
      if (isInspectError(error, 'not-python')) return !this.started;
      if (!alive() || isInspectError(error, 'no-such-process')) return false;
      if (!isInspectError(error, 'torn-read')) throw error;
      this.profile.addTorn();
    }
    return true;
  }

  report(): ProfileReport {
    return this.profile.report(this.reader.pid, this.labels);
  }

  collapsed(): string {
    return this.profile.collapsed(this.labels);
  }

  /**
   * A lock seen for the first time is named by the lock reader (a read of the whole process); it
   * names only locks held or waited for as it reads, so one not named is tried again, at most once
   * a second. The report names the others by the holder's local, or by type and address.
   */
  private nameNewLocks(sample: WaitSample): void {
    const now = performance.now();
    const seen = sample.threads.flatMap((thread) => [thread.lock?.id, thread.held?.id]).filter((id) => id !== undefined);
    if (!seen.some((id) => !this.labels.has(id) && now - (this.namingTried.get(id) ?? -Infinity) >= NAMING_RETRY_MS)) return;
    for (const id of seen) this.namingTried.set(id, now);
    try {
      for (const lock of this.reader.locks().report.locks) this.labels.set(lock.id, lock.label);
    } catch (error) {
      if (!isInspectError(error)) throw error; // a torn read: tried again later
    }
  }
}
