// Heaps: each thread's mimalloc heaps and the abandoned pool (from a snapshot, refreshed while
// running) and, when stopped, the agent's object census by type.
import type { SessionView, SnapshotView } from '../messages';
import { bytes, el, table, threadLabel } from './dom';

const CENSUS_ROWS = 40;

export class HeapsTab {
  private readonly content = el('div');

  constructor(
    readonly root: HTMLElement,
    refresh: () => void,
  ) {
    const button = el('vscode-button', { secondary: '' }, 'Refresh');
    button.addEventListener('click', refresh);
    root.append(el('div', { class: 'toolbar' }, el('h3', {}, 'mimalloc heaps per thread'), button), this.content);
  }

  render(session: SessionView): void {
    this.renderSnapshot(session, session.snapshot);
  }

  renderSnapshot(session: SessionView, view: SnapshotView | null): void {
    if (!view) {
      this.content.replaceChildren(el('p', { class: 'muted' }, 'Reading the heaps…'));
      return;
    }
    if (view.error || !view.snapshot) {
      this.content.replaceChildren(el('p', { class: 'error' }, `Could not read the heaps: ${view.error ?? 'no answer'}`));
      return;
    }
    const { heaps, abandoned, census, notes } = view.snapshot;
    const names = new Map((view.snapshot.sample.threads ?? []).map((thread) => [thread.threadId, thread.name]));
    const heapRows = heaps.flatMap((thread) =>
      thread.heaps.map((heap, index) => [
        index === 0 ? threadLabel(thread.threadId, names.get(thread.threadId)) : '',
        heap.kind,
        heap.pages,
        bytes(heap.usedBytes),
        bytes(heap.committedBytes),
      ]),
    );
    this.content.replaceChildren(
      el('p', { class: 'muted' }, `Read at ${new Date(view.time).toLocaleTimeString()}${session.phase === 'stopped' ? ' (stopped)' : ''}.`),
      table(
        [
          { text: 'Thread' },
          { text: 'Heap', title: 'mem: PyMem_Malloc; object: objects without GC; gc: GC objects; gc_pre: GC objects with pre-header (managed dict/weakrefs)' },
          { text: 'Pages' },
          { text: 'Used', title: 'bytes in use by live blocks' },
          { text: 'Committed', title: 'bytes of memory the pages hold' },
        ],
        heapRows,
      ),
      el(
        'p',
        { title: 'Pages of heaps whose threads exited, waiting for another thread to claim them' },
        abandoned ? `Abandoned pool: ${abandoned.pages} pages, ${bytes(abandoned.usedBytes)} used.` : 'Abandoned pool: not read (see the notes below).',
      ),
      el('h3', {}, 'Objects by type'),
      census
        ? table(
            [{ text: 'Type' }, { text: 'Count' }, { text: 'Bytes', title: 'sys.getsizeof of each object, summed (GC-tracked objects only)' }],
            [...census]
              .sort((a, b) => b.bytes - a.bytes)
              .slice(0, CENSUS_ROWS)
              .map((row) => [row.type, row.count, bytes(row.bytes)]),
            'grid census',
          )
        : el('p', { class: 'muted' }, 'The census is taken when the program stops (breakpoint or pause).'),
      ...notes.map((note) => el('p', { class: 'muted' }, note)),
    );
  }
}
