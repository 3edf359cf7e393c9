// One runtime model per ftpy debug session, fed by a debug adapter tracker (the adapter's
// 'ftpy/sessionInfo' and 'ftpy/runtimeSample' batches, stops and resumes), following VS Code's
// active session.
import * as vscode from 'vscode';
import { errorMessage } from '../../runtime/errors';
import { FTPY_EVENTS, FTPY_REQUESTS, type RuntimeSampleEventBody, type ScalingEventBody, type SessionInfoEventBody } from '../../debug-adapter/protocol';
import { ftpyRequest } from './ftpyRequest';
import { addBatch, emptyHistory } from '../model/runtimeHistory';
import type { RefcountView, SessionView, SnapshotView } from '../webview/messages';

/** What changed in the active session's model (what the views redraw). */
export type RuntimeChange =
  | { kind: 'session' }
  | { kind: 'samples'; batch: RuntimeSampleEventBody }
  | { kind: 'phase' }
  | { kind: 'snapshot' }
  | { kind: 'refcount' }
  | { kind: 'scaling' }
  /** A thread stopped, or a deadlock was found: who holds and waits for what may have changed. */
  | { kind: 'threads' };

export interface SessionRuntime extends SessionView {
  session: vscode.DebugSession;
  /** The interpreter the program runs, once the adapter has said. */
  info?: SessionInfoEventBody;
  /** Every thread is stopped (a stop-all stop, until the program resumes). */
  allStopped: boolean;
}

/** Samples a second of a Scaling recording unless the setting says otherwise. */
const DEFAULT_SCALING_HZ = 1000;

/** DAP requests after which the program runs again. */
const RESUMING_REQUESTS = new Set(['continue', 'next', 'stepIn', 'stepOut', 'reverseContinue', 'stepBack', 'goto']);

export class RuntimeSessions implements vscode.Disposable {
  private readonly models = new Map<string, SessionRuntime>();
  private readonly changed = new vscode.EventEmitter<RuntimeChange>();
  private readonly subscriptions: vscode.Disposable[];
  /** Fires for changes of the shown session only (the active one, or the last ended with a recording). */
  readonly onDidChange = this.changed.event;
  /** The runtime panel is visible: the active session samples its program's memory. */
  private samplesWanted = false;
  /** The session told to sample (the active one, once its program runs, while the panel is visible). */
  private sampling: SessionRuntime | undefined;
  /** The last session that ended with a Scaling recording: shown until another session starts. */
  private ended: SessionRuntime | undefined;

  constructor() {
    this.subscriptions = [
      this.changed,
      vscode.debug.registerDebugAdapterTrackerFactory('ftpy', {
        createDebugAdapterTracker: (session) => {
          const model = this.modelOf(session);
          return {
            onDidSendMessage: (message: { type?: string; event?: string; body?: unknown }) => {
              if (message.type === 'event') this.onEvent(model, message.event, message.body);
            },
            onWillReceiveMessage: (message: { type?: string; command?: string }) => {
              if (message.type === 'request' && message.command && RESUMING_REQUESTS.has(message.command)) this.setPhase(model, 'running');
            },
          };
        },
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (this.sampling?.session.id === session.id) this.sampling = undefined;
        const model = this.models.get(session.id);
        if (!model) return;
        this.models.delete(session.id);
        // A recording is the answer the user waited for: it outlives the program.
        if (model.scaling?.body?.report) {
          model.phase = 'ended';
          this.ended = model;
        }
        this.changed.fire({ kind: 'session' });
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => {
        this.followSampling();
        this.changed.fire({ kind: 'session' });
      }),
    ];
  }

  /**
   * Whether the samples are shown (the runtime panel is visible). Sampling takes CPU, on a small
   * machine from the program: only the active session samples, and only while they are shown.
   */
  showSamples(shown: boolean): void {
    this.samplesWanted = shown;
    this.followSampling();
  }

  /** Tells the session that should sample to, and the one that should no longer, to stop. */
  private followSampling(): void {
    const active = this.active;
    // Once the adapter has said what the program runs (sessionInfo): its program has started.
    const wanted = this.samplesWanted && active?.info ? active : undefined;
    if (wanted === this.sampling) return;
    const previous = this.sampling;
    this.sampling = wanted;
    // A session that ended meanwhile cannot answer: nothing to stop then.
    if (previous) void ftpyRequest(previous.session, FTPY_REQUESTS.runtimeSampling, { on: false }).then(undefined, () => undefined);
    if (wanted) void ftpyRequest(wanted.session, FTPY_REQUESTS.runtimeSampling, { on: true }).then(undefined, () => undefined);
  }

  /** The model of the active debug session, if it is an ftpy session. */
  get active(): SessionRuntime | undefined {
    const session = vscode.debug.activeDebugSession;
    return session ? this.models.get(session.id) : undefined;
  }

  /** What the runtime panel shows: the active session, else the last one that ended with a Scaling recording. */
  get shown(): SessionRuntime | undefined {
    return this.active ?? this.ended;
  }

  /** Asks the active session for a snapshot (heaps; the census while stopped). */
  async refreshSnapshot(): Promise<void> {
    const model = this.active;
    if (!model) return;
    let snapshot: SnapshotView;
    try {
      snapshot = { time: Date.now(), snapshot: await ftpyRequest(model.session, FTPY_REQUESTS.runtimeSnapshot, {}) };
    } catch (error) {
      snapshot = { time: Date.now(), error: errorMessage(error) };
    }
    model.snapshot = snapshot;
    this.fire(model, { kind: 'snapshot' });
  }

  /** Starts or stops the active session's Scaling recording (its reports come as events); a refusal is shown in the tab. */
  async recordScaling(on: boolean): Promise<void> {
    const model = this.active;
    if (!model) return;
    const rateHz = vscode.workspace.getConfiguration('ftpy', model.session.workspaceFolder).get<number>('scaling.rate', DEFAULT_SCALING_HZ);
    try {
      await ftpyRequest(model.session, FTPY_REQUESTS.scaling, { record: on, rateHz });
    } catch (error) {
      model.scaling = { ...model.scaling, error: errorMessage(error) };
      this.fire(model, { kind: 'scaling' });
    }
  }

  /** Reads the refcount anatomy of `expression` in a frame of the active session. */
  async inspectRefcount(session: vscode.DebugSession, expression: string, frameId: number): Promise<RefcountView> {
    let refcount: RefcountView;
    try {
      refcount = { expression, anatomy: await ftpyRequest(session, FTPY_REQUESTS.refcount, { expression, frameId }) };
    } catch (error) {
      refcount = { expression, error: errorMessage(error) };
    }
    const model = this.models.get(session.id);
    if (model) {
      model.refcount = refcount;
      this.fire(model, { kind: 'refcount' });
    }
    return refcount;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private modelOf(session: vscode.DebugSession): SessionRuntime {
    let model = this.models.get(session.id);
    if (!model) {
      model = { session, name: session.name, phase: 'running', history: emptyHistory(), snapshot: null, refcount: null, scaling: null, allStopped: false };
      this.models.set(session.id, model);
      this.ended = undefined;
      this.fire(model, { kind: 'session' });
    }
    return model;
  }

  private onEvent(model: SessionRuntime, event: string | undefined, body: unknown): void {
    if (event === FTPY_EVENTS.sessionInfo) {
      model.info = body as SessionInfoEventBody;
      this.followSampling();
      this.fire(model, { kind: 'session' });
    } else if (event === FTPY_EVENTS.runtimeSample) {
      const batch = body as RuntimeSampleEventBody;
      addBatch(model.history, batch);
      // Frozen while stopped: the history keeps growing, the view catches up on resume.
      if (model.phase === 'running') this.fire(model, { kind: 'samples', batch });
    } else if (event === 'stopped') {
      if ((body as { allThreadsStopped?: boolean } | undefined)?.allThreadsStopped) model.allStopped = true;
      this.setPhase(model, 'stopped');
      this.fire(model, { kind: 'threads' });
      if (model === this.active) void this.refreshSnapshot();
    } else if (event === 'continued') {
      this.setPhase(model, 'running');
    } else if (event === FTPY_EVENTS.scaling) {
      model.scaling = { body: body as ScalingEventBody };
      this.fire(model, { kind: 'scaling' });
    } else if (event === FTPY_EVENTS.deadlock) {
      this.fire(model, { kind: 'threads' });
    }
  }

  private setPhase(model: SessionRuntime, phase: SessionView['phase']): void {
    if (phase === 'running') model.allStopped = false;
    if (model.phase === phase) return;
    model.phase = phase;
    // On resume the view needs what it missed while frozen: send everything.
    this.fire(model, { kind: phase === 'running' ? 'session' : 'phase' });
  }

  private fire(model: SessionRuntime, change: RuntimeChange): void {
    if (model === this.shown) this.changed.fire(change);
  }
}
