// Eval-breaker: which signal bits each thread has set at the last sample, and how often each
// signal was seen raised this session.
import { signalColumns } from '../../model/runtimeHistory';
import type { SessionView } from '../messages';
import { el, threadLabel } from './dom';

const SIGNALS: Record<string, { label: string; meaning: string }> = {
  gil_drop_request: { label: 'GIL drop request', meaning: 'Another thread waits for the GIL and asks this one to release it (only while the GIL is on).' },
  signals_pending: { label: 'signals pending', meaning: 'An OS signal arrived; the main thread runs its Python handler at the next check.' },
  calls_to_do: { label: 'calls to do', meaning: 'Pending calls (Py_AddPendingCall) wait to run on this thread.' },
  async_exception: { label: 'async exception', meaning: 'An exception was set for this thread from outside (PyThreadState_SetAsyncExc).' },
  gc_scheduled: { label: 'GC scheduled', meaning: 'Allocations passed the threshold: this thread will run a collection at its next check.' },
  please_stop: { label: 'please stop', meaning: 'A stop-the-world (GC, fork, …) asks this thread to suspend itself.' },
  explicit_merge: { label: 'explicit merge', meaning: 'Other threads queued objects this thread owns: it merges their reference counts at its next check.' },
};

export class EvalBreakerTab {
  private readonly matrix = el('div');

  constructor(readonly root: HTMLElement) {
    root.append(
      el('h3', { title: 'PyThreadState.eval_breaker: the bits a thread checks between bytecodes' }, 'Eval-breaker signals: threads × bits (last sample)'),
      this.matrix,
    );
  }

  render(session: SessionView): void {
    const { history } = session;
    const columns = signalColumns(history);
    const header = el(
      'tr',
      {},
      el('th', {}, 'Thread'),
      el('th', { title: 'attached: runs Python; detached: in C without the runtime (I/O, sleep, lock wait); suspended: parked by a stop-the-world' }, 'State'),
      ...columns.map((bit) => el('th', { title: SIGNALS[bit]?.meaning }, SIGNALS[bit]?.label ?? bit)),
    );
    const threads = history.latest?.threads ?? [];
    const rows = threads.map((thread) =>
      el(
        'tr',
        {},
        el('th', {}, threadLabel(thread.threadId, thread.name)),
        el('td', {}, thread.state ?? '?'),
        ...columns.map((bit) => {
          const set = thread.evalBreaker.includes(bit);
          return el('td', { class: set ? 'bit on' : 'bit', title: `${SIGNALS[bit]?.label ?? bit}: ${set ? 'set' : 'clear'}` }, set ? '●' : '·');
        }),
      ),
    );
    const seen = el(
      'tr',
      { class: 'totals' },
      el('th', { title: "times a bit was seen raised (set, clear in the thread's previous sample)" }, 'Seen this session'),
      el('td', {}, `${history.sampleCount} samples`),
      ...columns.map((bit) => el('td', { 'data-signal': bit }, history.signalCounts[bit] ?? 0)),
    );
    this.matrix.replaceChildren(
      el('table', { class: 'grid matrix' }, el('thead', {}, header), el('tbody', {}, ...rows), el('tfoot', {}, seen)),
      ...(threads.length ? [] : [el('p', { class: 'muted' }, 'No sample yet.')]),
    );
  }
}
