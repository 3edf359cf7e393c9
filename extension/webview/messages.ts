// The messages between the extension host and the runtime panel's webview, typed once.
// Type-only: imported by both the node bundle and the browser bundle.
import type { RefcountAnatomy, RuntimeSampleEventBody, RuntimeSnapshotResponseBody, ScalingEventBody } from '../../debug-adapter/protocol';
import type { RuntimeHistory } from '../model/runtimeHistory';

export type PanelTab = 'gc' | 'refcounts' | 'evalBreaker' | 'heaps' | 'scaling';

/**
 * Running: the view is live. Stopped: it is frozen at the stop and shows the snapshot with the
 * census. Ended: the session is over, and its Scaling recording stays shown until another starts.
 */
export type SessionPhase = 'running' | 'stopped' | 'ended';

export interface SnapshotView {
  /** When it was taken, ms since the epoch. */
  time: number;
  snapshot?: RuntimeSnapshotResponseBody;
  error?: string;
}

export interface RefcountView {
  expression: string;
  anatomy?: RefcountAnatomy;
  error?: string;
}

/** The Scaling tab: the last report of the session's recording, or why it could not record. */
export interface ScalingView {
  body?: ScalingEventBody;
  error?: string;
}

export interface SessionView {
  name: string;
  phase: SessionPhase;
  history: RuntimeHistory;
  snapshot: SnapshotView | null;
  refcount: RefcountView | null;
  scaling: ScalingView | null;
}

export type ToWebview =
  /** Everything, when the view opens, the active session changes (null: none) or the session resumes. */
  | { type: 'session'; session: SessionView | null }
  /** One batch of samples for the live view (only while running). */
  | { type: 'samples'; batch: RuntimeSampleEventBody }
  | { type: 'phase'; phase: SessionPhase }
  | { type: 'snapshot'; snapshot: SnapshotView }
  | { type: 'refcount'; refcount: RefcountView }
  | { type: 'scaling'; scaling: ScalingView }
  | { type: 'showTab'; tab: PanelTab };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'refreshSnapshot' }
  /** The tab the user looks at (heaps are read only while it is 'heaps'). */
  | { type: 'tab'; tab: PanelTab }
  /** Record or Stop on the Scaling tab. */
  | { type: 'record'; on: boolean }
  /** A line of the program clicked in the Scaling tab. */
  | { type: 'openSite'; file: string; line: number };
