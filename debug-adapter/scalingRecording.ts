// The Scaling tab's recording ('ftpy/scaling'): what every program thread does, sampled from the
// program's memory (runtime/profile/recorder, as `ftpy profile`) from the client's Record to its
// Stop, the report so far sent about twice a second. Samples are not taken while the debugger
// has the program stopped: the threads then wait in the agent, which is no part of the program.
import * as fs from 'node:fs';
import { Event } from '@vscode/debugadapter';
import { errorMessage, UserFacingError } from '../runtime/errors';
import { ProfileRecorder } from '../runtime/profile/recorder';
import { type DebuggeeMemory, withProbe } from './debuggeeMemory';
import { FTPY_EVENTS, type ScalingEventBody } from './protocol';

/** How often the report so far goes to the client while recording. */
const REPORT_MS = 500;

export class ScalingRecording {
  private recorder: ProfileRecorder | undefined;
  private recording = false;
  private paused = false;
  private closed = false;
  private intervalMs = 1;
  private sampleTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private pid = 0;

  constructor(
    private readonly debuggee: DebuggeeMemory,
    private readonly send: (event: Event) => void,
  ) {}

  /** Starts a new recording at `rateHz`, or stops the one that runs (its last report stays shown). */
  async record({ record, rateHz }: { record: boolean; rateHz: number }): Promise<void> {
    if (!record) return this.end();
    if (this.recording || this.closed) return;
    const reader = withProbe(await this.debuggee.memory());
    if (typeof reader === 'string') throw new UserFacingError(`Cannot record why threads do not scale: ${reader}.`);
    await this.debuggee.agentThreads.ready;
    if (this.recording || this.closed) return;
    const agent = this.debuggee.agentThreads;
    this.recorder = new ProfileRecorder(reader, (thread) => !agent.hasNative(thread.nativeId));
    this.pid = reader.pid;
    this.intervalMs = 1000 / rateHz;
    this.recording = true;
    this.reportTimer = setInterval(() => this.report(), REPORT_MS);
    this.schedule(0);
    this.report();
  }

  /** The debugger stopped the program (true) or let it run again (false). */
  pause(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!this.recording) return;
    if (paused) {
      clearTimeout(this.sampleTimer);
      this.sampleTimer = undefined;
      this.recorder?.profile.interrupt();
    } else {
      this.schedule(0);
    }
    this.report();
  }

  /** The session ends: a recording ends with it, its last report sent. */
  close(): void {
    if (this.closed) return;
    this.end();
    this.closed = true;
  }

  private schedule(delayMs: number): void {
    if (!this.paused) this.sampleTimer = setTimeout(() => this.sample(), delayMs);
  }

  private sample(): void {
    const recorder = this.recorder;
    if (!recorder || !this.recording) return;
    const started = performance.now();
    let running: boolean;
    try {
      running = recorder.take(() => fs.existsSync(`/proc/${this.pid}`));
    } catch (error) {
      return this.end(`The recording stopped: ${errorMessage(error)}`);
    }
    if (!running) return this.end();
    // As often as asked, or as often as samples can be taken: never a burst to catch up.
    this.schedule(Math.max(0, this.intervalMs - (performance.now() - started)));
  }

  private end(error?: string): void {
    if (!this.recording) return;
    this.recording = false;
    clearTimeout(this.sampleTimer);
    clearInterval(this.reportTimer);
    this.sampleTimer = undefined;
    this.report(error);
  }

  private report(error?: string): void {
    const recorder = this.recorder;
    const body: ScalingEventBody = {
      recording: this.recording,
      paused: this.paused,
      report: recorder ? recorder.report() : null,
      timeline: recorder ? recorder.profile.timeline() : null,
      ...(error && { error }),
    };
    this.send(new Event(FTPY_EVENTS.scaling, body));
  }
}
