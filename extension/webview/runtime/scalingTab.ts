// Scaling: why the threads do not scale, from a recording of what each thread did (sampled from
// the program's memory between Record and Stop): the verdict, a per-thread state timeline, each
// thread's share of time per state, the locks with where they were waited for and held (a click
// opens the line), and the stop-the-world pauses.
import type { ProfileReport, ScalingEventBody, Timeline, WaitState } from '../../../debug-adapter/protocol';
import type { ScalingView } from '../messages';
import { el, table, threadLabel } from './dom';

const STATES: { state: WaitState; label: string; meaning: string }[] = [
  { state: 'running', label: 'running', meaning: 'Attached to the interpreter: running Python, or C called from it (spinning for a lock too).' },
  { state: 'lock', label: 'lock', meaning: "Parked on a threading.Lock or an object's critical section." },
  { state: 'waiting', label: 'waiting', meaning: 'Parked otherwise: a Condition, an Event, a queue, an RLock, a thread start.' },
  { state: 'sleep', label: 'sleep', meaning: 'In time.sleep (nanosleep).' },
  { state: 'io', label: 'I/O', meaning: 'In a read, write, poll, accept… system call.' },
  { state: 'syscall', label: 'syscall', meaning: 'In another system call.' },
  { state: 'c', label: 'C', meaning: 'On a CPU in C code that let go of the interpreter.' },
  { state: 'stop-the-world', label: 'stop-the-world', meaning: 'Suspended by a stop-the-world pause (a collection, a fork, monitoring changes…).' },
  { state: 'gc', label: 'GC', meaning: 'Collecting garbage while the world is stopped.' },
];

export class ScalingTab {
  private readonly button = el('vscode-button', {}, 'Record');
  private readonly status = el('span', { class: 'muted' });
  private readonly content = el('div');
  private recording = false;

  constructor(
    readonly root: HTMLElement,
    record: (on: boolean) => void,
    private readonly openSite: (file: string, line: number) => void,
  ) {
    this.button.addEventListener('click', () => record(!this.recording));
    root.append(el('div', { class: 'toolbar' }, el('h3', {}, 'Why the threads do not scale'), this.button, this.status), this.content);
    this.render(null);
  }

  /** `live`: the session runs (a recording can start); an ended one keeps its last report. */
  render(view: ScalingView | null, live = true): void {
    const body = view?.body;
    this.recording = body?.recording === true;
    this.button.textContent = this.recording ? 'Stop' : 'Record';
    this.button.toggleAttribute('disabled', !live);
    this.button.setAttribute('data-recording', String(this.recording));
    this.status.textContent = status(body);
    const error = view?.error ?? body?.error;
    const report = body?.report;
    this.content.replaceChildren(
      ...(error ? [el('p', { class: 'error' }, error)] : []),
      ...(report && report.samples > 0
        ? [
            el('p', { class: 'verdict' }, el('strong', {}, report.verdict)),
            this.timeline(body.timeline),
            this.threads(report),
            this.locks(report),
            pauses(report),
          ]
        : [
            el(
              'p',
              { class: 'muted' },
              'Record samples what every thread does, from outside and without stopping it (as ftpy profile): the verdict, the time lost to each lock and wait, and the stop-the-world pauses.',
            ),
          ]),
    );
  }

  private timeline(timeline: Timeline | null | undefined): HTMLElement {
    if (!timeline) return el('div');
    const rows = timeline.threads.map((thread) =>
      el(
        'tr',
        {},
        el('th', {}, threadLabel(thread.threadId, thread.name)),
        el(
          'td',
          {},
          el(
            'div',
            { class: 'strip' },
            ...thread.columns.map((state, column) =>
              el('span', { class: `cell state-${state ?? 'none'}`, title: `${((column * timeline.columnMs) / 1000).toFixed(1)} s: ${state ?? 'not seen'}` }),
            ),
          ),
        ),
      ),
    );
    const legend = el(
      'div',
      { class: 'legend' },
      ...STATES.map(({ state, label, meaning }) => el('span', { title: meaning }, el('span', { class: `cell state-${state}` }), label)),
    );
    return el(
      'div',
      {},
      el('h3', { title: `Each cell: the state most of a thread's samples were in, over ${timeline.columnMs} ms` }, 'What each thread did'),
      el('table', { class: 'timeline' }, el('tbody', {}, ...rows)),
      legend,
    );
  }

  private threads(report: ProfileReport): HTMLElement {
    const headers = [{ text: 'Thread' }, { text: 'Samples' }, ...STATES.map(({ label, meaning }) => ({ text: label, title: meaning }))];
    const rows = report.threads.map((thread) => [
      threadLabel(thread.threadId, thread.name),
      thread.samples,
      ...STATES.map(({ state }) => (thread.states[state] > 0 ? percent(thread.states[state]) : '·')),
    ]);
    return el('div', {}, el('h3', {}, 'Share of each thread’s time'), table(headers, rows, 'grid threads'));
  }

  private locks(report: ProfileReport): HTMLElement {
    if (report.locks.length === 0) return el('p', { class: 'muted' }, 'No lock was waited for or held by a `with` block.');
    const headers = [
      { text: 'Lock' },
      { text: 'Share', title: 'Of the thread time: parked, taking and holding it' },
      { text: 'Parked s', title: 'Thread time parked waiting for it' },
      { text: 'Taking s', title: 'Thread time running at its `with` statements and where threads park on it: spinning before parking, releasing' },
      { text: 'Holding s', title: 'Thread time inside `with` blocks on it: the work it serializes' },
      { text: 'Most waiters' },
      { text: 'Waited at' },
      { text: 'Taken at' },
      { text: 'Held at' },
    ];
    const rows = report.locks.map((lock) => [
      lock.label,
      percent(lock.share),
      lock.waitS.toFixed(2),
      lock.acquireS.toFixed(2),
      lock.heldS.toFixed(2),
      lock.maxWaiters,
      this.sites(lock.sites),
      this.sites(lock.takenAt),
      this.sites(lock.heldAt),
    ]);
    return el('div', {}, el('h3', {}, 'Locks'), table(headers, rows, 'grid locks'));
  }

  /** The lines, each a link that opens it. */
  private sites(sites: ProfileReport['locks'][number]['sites']): HTMLElement {
    const links = sites.slice(0, 3).map((site) => {
      const line = site.line;
      if (line === null || !site.file) return el('span', {}, `${site.site} ${percent(site.share)}`);
      const link = el('a', { href: '#', class: 'site', title: `${site.file}:${line}` }, site.site);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        this.openSite(site.file, line);
      });
      return el('span', {}, link, ` ${percent(site.share)}`);
    });
    return el('span', { class: 'sites' }, ...(links.length > 0 ? links : ['·']));
  }
}

function status(body: ScalingEventBody | undefined): string {
  if (!body?.report) return '';
  const { samples, durationS, rateHz, torn } = body.report;
  const what = body.recording ? (body.paused ? 'recording, paused while the program is stopped' : 'recording') : 'recorded';
  return `${what}: ${samples} samples in ${durationS.toFixed(1)} s (${Math.round(rateHz)} a second)${torn > 0 ? `, ${torn} torn and left out` : ''}`;
}

function pauses(report: ProfileReport): HTMLElement {
  const { count, gc, p50Ms, p99Ms, maxMs, resolutionMs } = report.pauses;
  const text =
    count === 0
      ? 'Stop-the-world pauses: none seen.'
      : `Stop-the-world pauses: ${count} (${gc} during a collection); p50 ${p50Ms.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms, max ${maxMs.toFixed(1)} ms (to within ${resolutionMs.toFixed(1)} ms); asked for by ${report.pauses.triggers.map(({ trigger, count: times }) => `${trigger} ${times}`).join(', ')}.`;
  return el('p', { class: 'pauses' }, text);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
